using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Sql;

namespace Dashboard.ClickHouse.Tests;

/// <summary>
/// A real ClickHouse server (started by scripts/test.sh) and a throwaway database for this test run.
/// </summary>
public sealed class ClickHouseFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "DASHBOARD_TEST_CLICKHOUSE";

    public ClickHouseFixture()
    {
        ServerConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable)
            ?? throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: run the tests with scripts/test.sh, which starts a throwaway ClickHouse and sets it.");
        Database = "test_" + Guid.NewGuid().ToString("N")[..12];
        ConnectionString = ClickHouseConnection.WithDatabase(ServerConnectionString, Database);
    }

    /// <summary>Connection string without a database.</summary>
    public string ServerConnectionString { get; }

    /// <summary>This run's database.</summary>
    public string Database { get; }

    /// <summary>Connection string to this run's database.</summary>
    public string ConnectionString { get; }

    public async Task InitializeAsync()
    {
        await using var c = new ClickHouseConnection(ServerConnectionString);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand($"CREATE DATABASE {SqlIdentifier.Quote(Database)}");
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await using var c = new ClickHouseConnection(ServerConnectionString);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand($"DROP DATABASE IF EXISTS {SqlIdentifier.Quote(Database)}");
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<ClickHouseConnection> OpenAsync()
    {
        var c = new ClickHouseConnection(ConnectionString);
        await c.OpenAsync();
        return c;
    }

    /// <summary>A table name unique to the calling test.</summary>
    public static string NewTable(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..10];
}

[CollectionDefinition(Name)]
public sealed class ClickHouseTests : ICollectionFixture<ClickHouseFixture>
{
    public const string Name = "ClickHouse";
}
