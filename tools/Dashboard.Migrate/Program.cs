using Dashboard.ClickHouse.Migrations;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;

// Usage: Dashboard.Migrate [--dir <folder>] [--status]; the default folder is the sql/ shipped beside the tool.
// The connection string comes from the environment (ConnectionStrings__ClickHouse), never the command
// line, so the password does not show in process listings.
var dir = Path.Combine(AppContext.BaseDirectory, "sql");
var statusOnly = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--dir" when i + 1 < args.Length: dir = args[++i]; break;
        case "--status": statusOnly = true; break;
        default:
            await Console.Error.WriteLineAsync($"unknown argument {args[i]}; usage: Dashboard.Migrate [--dir <folder>] [--status]");
            return 2;
    }
}
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__ClickHouse");
if (string.IsNullOrWhiteSpace(connectionString))
{
    await Console.Error.WriteLineAsync("ConnectionStrings__ClickHouse is not set.");
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
try
{
    var migrator = new ClickHouseMigrator(connectionString, dir) { Log = Console.WriteLine };
    if (statusOnly)
    {
        var status = await migrator.GetStatusAsync(cts.Token);
        Console.WriteLine($"applied {status.Applied.Count}, pending {status.Pending.Count}, modified {status.Modified.Count}");
        foreach (var p in status.Pending) Console.WriteLine($"pending {p.Name}");
        foreach (var m in status.Modified) Console.WriteLine($"modified {m}");
        return status.UpToDate ? 0 : 1;
    }
    var applied = await migrator.MigrateAsync(cts.Token);
    Console.WriteLine(applied.Count == 0 ? "migrations: up to date" : $"migrations: applied {applied.Count}");
    // Observations from before sql/0013 (or loaded around ingestion) have no per-region sums yet.
    if (await new ObservationRollup(new ClickHouseDatabase(connectionString)).EnsureBuiltAsync(cts.Token))
        Console.WriteLine("observation_rollup was empty while observations exist: rebuilt from the observations");
    return 0;
}
catch (Exception e) when (e is MigrationException or System.Data.Common.DbException or ArgumentException)
{
    await Console.Error.WriteLineAsync($"migration failed: {e.Message}");
    return 1;
}
