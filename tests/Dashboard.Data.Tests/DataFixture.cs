using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Dashboard.Testing;
using Microsoft.Extensions.Options;

namespace Dashboard.Data.Tests;

/// <summary>
/// A database with the schema migrations but none of the seeds: each scorecard case writes its own
/// small catalogue under codes of its own, so cases never see each other's data.
/// </summary>
public sealed class DataFixture : IAsyncLifetime
{
    private TestDatabase? _db;

    public string ConnectionString => _db!.ConnectionString;

    public ClickHouseDatabase Database { get; private set; } = null!;

    public static string SqlFolder => TestDatabase.SqlFolder;

    public async Task InitializeAsync()
    {
        // Schema only: each case writes its own catalogue.
        _db = await TestDatabase.CreateAsync("data", Schema.WithoutSeeds);
        Database = new ClickHouseDatabase(_db.ConnectionString);
    }

    public async Task DisposeAsync() => await _db!.DisposeAsync();

    public ScorecardEngine Engine(ScorecardOptions? options = null) =>
        new(Database, new CatalogueStore(Database), Options.Create(options ?? new ScorecardOptions()));
}

[CollectionDefinition(Name)]
public sealed class DataTests : ICollectionFixture<DataFixture>
{
    public const string Name = "Data";
}
