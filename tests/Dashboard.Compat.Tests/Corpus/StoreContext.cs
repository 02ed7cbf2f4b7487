using Dashboard.Data.Catalogue;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Dashboard.Reports;
using Dashboard.Reports.Storage;
using Dashboard.Security.Audit;
using Microsoft.Extensions.Options;

namespace Dashboard.Compat.Tests.Corpus;

/// <summary>A clock that never moves: the stores' time-stamped rows come out the same on both engines.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>The product's stores over one database (chDB behind the HTTP shim, or the real 18.16 server).</summary>
public sealed class StoreContext
{
    /// <summary>The fixed "now" of every store that takes a clock.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 31, 2, 0, 0, TimeSpan.Zero);

    /// <summary>The as-of date the scorecard and reports are judged on.</summary>
    public static readonly DateOnly AsOf = new(2026, 3, 31);

    /// <summary>Stores over the database of <paramref name="connectionString"/>.</summary>
    public StoreContext(string connectionString)
    {
        ConnectionString = connectionString;
        Database = new ClickHouseDatabase(connectionString);
        var clock = new FixedClock(Now);
        Catalogue = new CatalogueStore(Database);
        Targets = new TargetStore(Database);
        Ingestion = new IngestionStore(Database);
        Overrides = new OverrideStore(Database);
        Engine = new ScorecardEngine(Database, Catalogue, Options.Create(new ScorecardOptions()));
        EngineWithSchools = new ScorecardEngine(Database, Catalogue, Options.Create(new ScorecardOptions { JudgeSchools = true }));
        Results = new ScorecardResultStore(Database, Engine, Catalogue, Options.Create(new ScorecardOptions()), clock);
        Audit = new AuditLog(Database, clock);
        Reports = new ReportStore(Database);
        ReportService = new ReportService(Engine, Catalogue, Reports, Options.Create(new ReportOptions()), clock);
    }

    /// <summary>The provider connection string (with its Database).</summary>
    public string ConnectionString { get; }

    /// <summary>The connection factory every store shares.</summary>
    public ClickHouseDatabase Database { get; }

    /// <summary>Regions, indicators, current targets.</summary>
    public CatalogueStore Catalogue { get; }

    /// <summary>Target versions.</summary>
    public TargetStore Targets { get; }

    /// <summary>Observations, rejections, runs, watermarks, run requests.</summary>
    public IngestionStore Ingestion { get; }

    /// <summary>Inspector overrides.</summary>
    public OverrideStore Overrides { get; }

    /// <summary>The scorecard engine (schools feed their towns).</summary>
    public ScorecardEngine Engine { get; }

    /// <summary>The scorecard engine judging schools too (the roll-up's other branch).</summary>
    public ScorecardEngine EngineWithSchools { get; }

    /// <summary>Materialised scorecards (the OData Scorecard set's source).</summary>
    public ScorecardResultStore Results { get; }

    /// <summary>The audit trail.</summary>
    public AuditLog Audit { get; }

    /// <summary>Frozen reports.</summary>
    public ReportStore Reports { get; }

    /// <summary>Report generation (scorecard, catalogue and store together).</summary>
    public ReportService ReportService { get; }

    /// <summary>The scorecard snapshot made by the corpus, for the OData Scorecard queries.</summary>
    public string? SnapshotId { get; set; }

    /// <summary>The report made by the corpus.</summary>
    public string? ReportId { get; set; }
}
