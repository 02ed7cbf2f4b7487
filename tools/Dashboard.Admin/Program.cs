using System.Text.Json;
using Dashboard.Data.Storage;
using Dashboard.Security;
using Dashboard.Security.Audit;
using Dashboard.Security.Roles;
using Dashboard.Security.Setup;
using Dashboard.Security.Store;
using Dashboard.Security.Users;
using Microsoft.Extensions.Configuration;

// Usage:
//   Dashboard.Admin migrate
//   Dashboard.Admin create-admin <username>
//   Dashboard.Admin seed-demo [--regions 320583,331082] [--file demo.json]
//   Dashboard.Admin backup-store <file> | restore-store <file> [--replace]   (SQLite stores; see StoreBackup.cs)
// The store comes from configuration (appsettings.json beside the tool, then environment variables
// such as Security__Store__Provider and Security__Store__ConnectionString), never from the command
// line, so no password shows in process listings. Audit events go to ClickHouse when
// ConnectionStrings__ClickHouse is set. One-time passwords are printed to standard output only.
var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .Build();
var options = new SecurityOptions();
configuration.GetSection(SecurityOptions.SectionName).Bind(options);

if (args.Length == 0)
{
    await Console.Error.WriteLineAsync("usage: Dashboard.Admin migrate | create-admin <username> | seed-demo [--regions a,b] [--file demo.json] | backup-store <file> | restore-store <file> [--replace]");
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
try
{
    options.Validate();
    // Before the migrator: a restore must find the target store as clean as it was.
    if (StoreBackup.Handles(args[0])) return await StoreBackup.RunAsync(options, args, cts.Token);
    var database = new OperationalDatabase(options);
    var clock = TimeProvider.System;
    var clickHouse = configuration.GetConnectionString("ClickHouse");
    IAuditSink audit = string.IsNullOrWhiteSpace(clickHouse) ? new ConsoleAuditSink() : new AuditLog(new ClickHouseDatabase(clickHouse), clock);
    var users = new UserStore(database, audit, clock, options);
    await new StoreMigrator(database) { Log = Console.WriteLine }.MigrateAsync(cts.Token);

    switch (args[0])
    {
        case "migrate":
            Console.WriteLine("operational store: up to date");
            return 0;
        case "create-admin" when args.Length == 2:
        {
            var created = await new FirstAdministrator(database, users, audit, clock).CreateAsync(args[1], cts.Token);
            Console.WriteLine($"SecurityAdmin {created.User.UserName} created.");
            Console.WriteLine($"One-time password (shown once; must be changed at first sign-in): {created.OneTimePassword}");
            return 0;
        }
        case "seed-demo":
            return await SeedDemoAsync(users, args[1..], cts.Token);
        default:
            await Console.Error.WriteLineAsync($"unknown command or arguments: {string.Join(' ', args)}");
            return 2;
    }
}
catch (Exception e) when (e is UserStoreException or RoleSeparationException or StoreMigrationException or ArgumentException
    or InvalidOperationException or JsonException or IOException or System.Data.Common.DbException)
{
    // The message never holds the connection string: neither the store nor these exceptions put it there.
    await Console.Error.WriteLineAsync($"failed: {e.Message}");
    return 1;
}

static async Task<int> SeedDemoAsync(UserStore users, string[] args, CancellationToken ct)
{
    List<DemoAccount> accounts;
    string? file = null;
    string[] regions = [];
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--file" when i + 1 < args.Length: file = args[++i]; break;
            case "--regions" when i + 1 < args.Length: regions = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
            default:
                await Console.Error.WriteLineAsync($"unknown argument {args[i]}; usage: seed-demo [--regions a,b] [--file demo.json]");
                return 2;
        }
    }
    if (file is not null)
    {
        await using var stream = File.OpenRead(file);
        accounts = await JsonSerializer.DeserializeAsync<List<DemoAccount>>(stream, new JsonSerializerOptions { PropertyNameCaseInsensitive = true }, ct)
            ?? throw new InvalidOperationException($"{file} holds no accounts.");
    }
    else
    {
        if (regions.Length == 0)
        {
            await Console.Error.WriteLineAsync("seed-demo needs --regions (the business roles' jurisdiction) or --file.");
            return 2;
        }
        // One account per role; the administrator roles have no jurisdiction (they do not read data).
        accounts = Enum.GetValues<Role>().Select(r => new DemoAccount(
            "demo-" + r.ToString().ToLowerInvariant(), "演示-" + r, r.ToString(), RoleRules.IsAdministrator(r) ? [] : regions)).ToList();
    }

    var actor = Actor.Console("seed-demo");
    foreach (var a in accounts)
    {
        if (await users.FindByNameAsync(a.UserName, ct) is not null)
        {
            Console.WriteLine($"{a.UserName}: exists, skipped");
            continue;
        }
        var created = await users.CreateAsync(new NewUser(a.UserName, a.DisplayName ?? a.UserName, RoleRules.Parse([a.Role]), a.Regions ?? []), actor, ct);
        Console.WriteLine($"{created.User.UserName} ({a.Role}; regions {string.Join(",", created.User.Regions)}): one-time password {created.OneTimePassword}");
    }
    return 0;
}

/// <summary>One demo account in a seed file: <c>[{"userName":"…","displayName":"…","role":"Inspector","regions":["320583"]}]</c>.</summary>
internal sealed record DemoAccount(string UserName, string? DisplayName, string Role, string[]? Regions);

/// <summary>Writes audit events to standard error when no ClickHouse is configured, so none is silently lost.</summary>
internal sealed class ConsoleAuditSink : IAuditSink
{
    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken) =>
        await Console.Error.WriteLineAsync(
            $"audit (ClickHouse not configured): {auditEvent.Time:O} {auditEvent.User} {auditEvent.Action} {auditEvent.Target} {auditEvent.Result} {auditEvent.Detail}".AsMemory(),
            cancellationToken);
}
