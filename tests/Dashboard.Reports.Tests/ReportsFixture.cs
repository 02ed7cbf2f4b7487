using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Dashboard.Reports.Storage;
using Dashboard.Testing;
using Microsoft.Extensions.Options;

namespace Dashboard.Reports.Tests;

/// <summary>One schema-only database for the report tests; each test writes its own city under its own codes.</summary>
public sealed class ReportsFixture : IAsyncLifetime
{
    private TestDatabase? _db;

    public ClickHouseDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("reports", Schema.WithoutSeeds);
        Database = new ClickHouseDatabase(_db.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
    }

    public ScorecardEngine Engine() => new(Database, new CatalogueStore(Database), Options.Create(new ScorecardOptions()));

    public ReportStore Store() => new(Database);

    /// <summary>A service whose clock reads <paramref name="nowUtc"/>.</summary>
    public ReportService Service(string nowUtc, ReportOptions? options = null) =>
        new(Engine(), new CatalogueStore(Database), Store(), Options.Create(options ?? new ReportOptions()), new FixedClock(DateTimeOffset.Parse(nowUtc, System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>A clock that always reads the same instant: reports carry their generation time, tests must not depend on the real one.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

[CollectionDefinition(Name)]
public sealed class ReportTests : ICollectionFixture<ReportsFixture>
{
    public const string Name = "Reports";
}
