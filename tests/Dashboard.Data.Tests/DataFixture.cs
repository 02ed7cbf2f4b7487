using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Migrations;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Data.Tests;

/// <summary>
/// A database with the schema migrations but none of the seeds: each scorecard case writes its own
/// small catalogue under codes of its own, so cases never see each other's data.
/// </summary>
public sealed class DataFixture : IAsyncLifetime
{
    public DataFixture()
    {
        var server = Environment.GetEnvironmentVariable("DASHBOARD_TEST_CLICKHOUSE")
            ?? throw new InvalidOperationException("DASHBOARD_TEST_CLICKHOUSE is not set: run the tests with scripts/test.sh.");
        ConnectionString = ClickHouseConnection.WithDatabase(server, "data_" + Guid.NewGuid().ToString("N")[..10]);
        Database = new ClickHouseDatabase(ConnectionString);
    }

    public string ConnectionString { get; }

    public ClickHouseDatabase Database { get; }

    public static string SqlFolder => Path.Combine(AppContext.BaseDirectory, "sql");

    public async Task InitializeAsync()
    {
        // Schema only: skip the seed files (NNNN_seed_*.sql).
        var schema = Directory.CreateTempSubdirectory("schema").FullName;
        foreach (var f in Directory.EnumerateFiles(SqlFolder, "*.sql").Where(f => !Path.GetFileName(f).Contains("_seed_", StringComparison.Ordinal)))
            File.Copy(f, Path.Combine(schema, Path.GetFileName(f)));
        await new ClickHouseMigrator(ConnectionString, schema).MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await using var c = new ClickHouseConnection(ClickHouseConnection.WithDatabase(ConnectionString, ""));
        await c.OpenAsync();
        await c.ExecuteAsync($"DROP DATABASE IF EXISTS {new ClickHouseConnectionStringBuilder(ConnectionString).Database}");
    }

    public ScorecardEngine Engine(ScorecardOptions? options = null) =>
        new(Database, new CatalogueStore(Database), Options.Create(options ?? new ScorecardOptions()));
}

[CollectionDefinition(Name)]
public sealed class DataTests : ICollectionFixture<DataFixture>
{
    public const string Name = "Data";
}
