using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Dashboard.ClickHouse.Ado;
using Dashboard.Security.ApiKeys;
using Dashboard.Security.Audit;
using Dashboard.Security.Roles;
using Dashboard.Security.Users;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Api.Tests;

/// <summary>
/// Hosts the real api in memory over a real ClickHouse (started by scripts/test.sh) and a database of its own,
/// with an operational store (SQLite) of its own. Callers authenticate like real ones: <see cref="ClientAsAsync"/>
/// creates an account with the role and regions asked, gives it a password of its own and an API key.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    /// <summary>The top of every seeded region tree: a jurisdiction over all of them sees everything.</summary>
    public static readonly string[] AllRegions = ["320000", "330000", "999000"];

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly ConcurrentDictionary<string, Task<string>> _keys = new(StringComparer.Ordinal);

    /// <param name="connectionString">The ClickHouse connection; default: a new database on the test server.</param>
    /// <param name="settings">More configuration (e.g. Sources:Items:0:Id), applied over appsettings.json.</param>
    public ApiFactory(string? connectionString = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var server = Environment.GetEnvironmentVariable("DASHBOARD_TEST_CLICKHOUSE")
            ?? throw new InvalidOperationException("DASHBOARD_TEST_CLICKHOUSE is not set: run the tests with scripts/test.sh.");
        ConnectionString = connectionString ?? ClickHouseConnection.WithDatabase(server, "api_" + Guid.NewGuid().ToString("N")[..10]);
        _settings = settings ?? new Dictionary<string, string?>();
        StorePath = Path.Combine(Path.GetTempPath(), "dashboard-api-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(StorePath)!);
    }

    /// <summary>The operational store's SQLite file.</summary>
    public string StorePath { get; }

    /// <summary>A client authenticated with an API key of an account holding <paramref name="role"/> over <paramref name="regions"/> (default: all).</summary>
    public async Task<HttpClient> ClientAsAsync(Role role, params string[] regions)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await KeyAsync(role, regions));
        return client;
    }

    /// <summary>The API key of the account with this role and jurisdiction (made once per factory).</summary>
    public Task<string> KeyAsync(Role role, params string[] regions)
    {
        var scope = regions.Length == 0 ? AllRegions : regions;
        return _keys.GetOrAdd(role + ":" + string.Join(",", scope), _ => NewKeyAsync(role, scope));
    }

    private async Task<string> NewKeyAsync(Role role, string[] regions)
    {
        var actor = Actor.Console("api-tests");
        var users = Services.GetRequiredService<UserStore>();
        var name = role.ToString().ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..8];
        var created = await users.CreateAsync(new NewUser(name, "测试 " + role, [role], regions), actor, CancellationToken.None);
        // A one-time password must be changed before the account may read: do what the user would.
        var errors = await users.ChangePasswordAsync(created.User.Id, "Qz7!" + Guid.NewGuid().ToString("N"), actor, CancellationToken.None);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
        var key = await Services.GetRequiredService<ApiKeyStore>().CreateAsync(created.User.Id, "tests", actor, CancellationToken.None);
        return key.Key;
    }

    public string ConnectionString { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:ClickHouse", ConnectionString);
        builder.UseSetting("Security:Store:ConnectionString", "Data Source=" + StorePath);
        // OData reads go through the read-only user when scripts/test.sh provides it (it always does).
        if (Environment.GetEnvironmentVariable("DASHBOARD_TEST_CLICKHOUSE_READER") is { Length: > 0 } reader)
            builder.UseSetting("ConnectionStrings:ClickHouseRead",
                ClickHouseConnection.WithDatabase(reader, new ClickHouseConnectionStringBuilder(ConnectionString).Database));
        // Tests make many requests quickly; the limiter itself is tested with its own low limit.
        builder.UseSetting("RateLimits:ODataPerMinute", "100000");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }
}
