using Dashboard.ClickHouse.Ado;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.Api.Tests;

/// <summary>Hosts the real api in memory over a real ClickHouse (started by scripts/test.sh) and a database of its own.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    /// <param name="connectionString">The ClickHouse connection; default: a new database on the test server.</param>
    /// <param name="settings">More configuration (e.g. Sources:Items:0:Id), applied over appsettings.json.</param>
    public ApiFactory(string? connectionString = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var server = Environment.GetEnvironmentVariable("DASHBOARD_TEST_CLICKHOUSE")
            ?? throw new InvalidOperationException("DASHBOARD_TEST_CLICKHOUSE is not set: run the tests with scripts/test.sh.");
        ConnectionString = connectionString ?? ClickHouseConnection.WithDatabase(server, "api_" + Guid.NewGuid().ToString("N")[..10]);
        _settings = settings ?? new Dictionary<string, string?>();
    }

    public string ConnectionString { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:ClickHouse", ConnectionString);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }
}
