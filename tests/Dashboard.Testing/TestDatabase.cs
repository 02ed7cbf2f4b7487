using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Migrations;
using Dashboard.ClickHouse.Sql;

namespace Dashboard.Testing;

/// <summary>Which of sql/ a test database gets.</summary>
public enum Schema
{
    /// <summary>Nothing: an empty database.</summary>
    None,
    /// <summary>The schema migrations, without the seed files (NNNN_seed_*.sql).</summary>
    WithoutSeeds,
    /// <summary>Every migration, the seeded catalogue included.</summary>
    Full,
}

/// <summary>
/// A throwaway database on the real ClickHouse that scripts/test.sh starts (DASHBOARD_TEST_CLICKHOUSE),
/// migrated as asked and dropped on dispose: the one place tests make and remove databases.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable scripts/test.sh sets.</summary>
    public const string EnvironmentVariable = "DASHBOARD_TEST_CLICKHOUSE";

    private TestDatabase(string name) => ConnectionString = ClickHouseConnection.WithDatabase(Server, name);

    /// <summary>The server's connection string, without a database.</summary>
    public static string Server => Environment.GetEnvironmentVariable(EnvironmentVariable)
        ?? throw new InvalidOperationException($"{EnvironmentVariable} is not set: run the tests with scripts/test.sh, which starts a throwaway ClickHouse and sets it.");

    /// <summary>The sql/ folder copied next to the tests.</summary>
    public static string SqlFolder => Path.Combine(AppContext.BaseDirectory, "sql");

    /// <summary>The connection string of this database.</summary>
    public string ConnectionString { get; }

    /// <summary>This database's name.</summary>
    public string Name => new ClickHouseConnectionStringBuilder(ConnectionString).Database;

    /// <summary>Creates a database named <paramref name="prefix"/>_random with the given schema.</summary>
    public static async Task<TestDatabase> CreateAsync(string prefix, Schema schema)
    {
        var db = new TestDatabase(prefix + "_" + Guid.NewGuid().ToString("N")[..10]);
        switch (schema)
        {
            case Schema.None:
                await using (var c = new ClickHouseConnection(Server))
                {
                    await c.OpenAsync();
                    await using var cmd = c.CreateCommand($"CREATE DATABASE {SqlIdentifier.Quote(db.Name)}");
                    await cmd.ExecuteNonQueryAsync();
                }
                break;
            case Schema.WithoutSeeds:
                var folder = Directory.CreateTempSubdirectory("schema").FullName;
                foreach (var f in Directory.EnumerateFiles(SqlFolder, "*.sql").Where(f => !Path.GetFileName(f).Contains("_seed_", StringComparison.Ordinal)))
                    File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
                await new ClickHouseMigrator(db.ConnectionString, folder).MigrateAsync(CancellationToken.None);
                break;
            default:
                await new ClickHouseMigrator(db.ConnectionString, SqlFolder).MigrateAsync(CancellationToken.None);
                break;
        }
        return db;
    }

    /// <summary>Drops the database.</summary>
    public async ValueTask DisposeAsync()
    {
        await using var c = new ClickHouseConnection(Server);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand($"DROP DATABASE IF EXISTS {SqlIdentifier.Quote(Name)}");
        await cmd.ExecuteNonQueryAsync();
    }
}
