using System.Globalization;
using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Scorecard;
using Dashboard.Reports.Storage;
using Dashboard.Security.Audit;

namespace Dashboard.Compat.Tests.Corpus;

/// <summary>One call into a store, engine or service; it sends the product's own statements.</summary>
/// <param name="Name">The test case name.</param>
/// <param name="Compare">Whether its result is compared with the 18.16 server's (false where ids or times are generated per run).</param>
/// <param name="Run">The call; returns what to compare (rows as text).</param>
public sealed record StoreStep(string Name, bool Compare, Func<StoreContext, CancellationToken, Task<IReadOnlyList<string>>> Run)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// The store corpus, in the order it runs: writes that seed a little data beyond the seeded catalogue (so the
/// queries that follow read rows), then every read, the scorecard engine's roll-up (both branches, and the
/// RollUpSql constant bound as the engine binds it), the scorecard materialisation the OData Scorecard set
/// reads, the audit trail and a frozen report. Each step is one test case.
/// </summary>
public static partial class StoreSteps
{
    private const string Kunshan = "320583";
    private const string Suzhou = "320500";
    private const string Source = "kunshan-feed";
    private static readonly DateTime LoadedAt = new(2026, 3, 1, 8, 30, 0, DateTimeKind.Utc);

    /// <summary>Every step, in order.</summary>
    public static IReadOnlyList<StoreStep> All { get; } =
    [
        // --- writes: observations (bulk TabSeparated through the provider's writer), a later revision, rejections
        new("IngestionStore.WriteObservationsAsync", false, async (s, ct) =>
        {
            await s.Ingestion.WriteObservationsAsync(FirstObservations(), Source, "run-1", LoadedAt, ct);
            return [];
        }),
        new("IngestionStore.WriteObservationsAsync (revision 2)", false, async (s, ct) =>
        {
            await s.Ingestion.WriteObservationsAsync(
                [new Observation("320583100", "PUBLIC_ABSORPTION", new DateOnly(2025, 9, 1), 930m, 1000m, null, 2, LoadedAt.AddDays(2))],
                Source, "run-2", LoadedAt.AddDays(3), ct);
            return [];
        }),
        new("IngestionStore.WriteRejectionsAsync", false, async (s, ct) =>
        {
            await s.Ingestion.WriteRejectionsAsync(
            [
                new Rejection(2, "{\"region_code\":\"9999\",\"value\":\"x\"}", "9999", "region_code", "未知地区 'unknown' region"),
                new Rejection(3, "320583101\tBIG_CLASS_56\t2025-13-01\t\\N", "320583101", "period", "month 13 is not a month; tab\tand back\\slash"),
            ], Source, "run-1", LoadedAt, ct);
            return [];
        }),
        new("IngestionStore.SaveRunAsync (running)", false, async (s, ct) =>
        {
            await s.Ingestion.SaveRunAsync(new PullRun { Id = "run-1", SourceId = Source, Trigger = RunTrigger.Schedule, StartedAt = LoadedAt.AddMinutes(-5) }, ct);
            return [];
        }),
        new("IngestionStore.SaveRunAsync (finished)", false, async (s, ct) =>
        {
            await s.Ingestion.SaveRunAsync(new PullRun
            {
                Id = "run-1", SourceId = Source, Trigger = RunTrigger.Schedule, StartedAt = LoadedAt.AddMinutes(-5), FinishedAt = LoadedAt,
                Status = RunStatus.PartiallySucceeded, RowsReceived = 12, RowsLoaded = 10, RowsRejected = 2, Pages = 1, Retries = 1,
                WatermarkFrom = LoadedAt.AddDays(-30), WatermarkTo = LoadedAt, FileName = "", Error = "2 rows rejected: 'period', \"region\"",
            }, ct);
            await s.Ingestion.SaveRunAsync(new PullRun
            {
                Id = "run-2", SourceId = "taicang-feed", Trigger = RunTrigger.Upload, StartedAt = LoadedAt.AddDays(3), FinishedAt = LoadedAt.AddDays(3).AddSeconds(4),
                Status = RunStatus.Succeeded, RowsReceived = 1, RowsLoaded = 1, FileName = "太仓 2025 秋.xlsx",
            }, ct);
            return [];
        }),
        new("IngestionStore.SetWatermarkAsync", false, async (s, ct) =>
        {
            await s.Ingestion.SetWatermarkAsync(Source, LoadedAt, "run-1", ct);
            return [];
        }),
        new("IngestionStore.RequestRunAsync", false, async (s, ct) =>
        {
            await s.Ingestion.RequestRunAsync(Source, "inspector'o\\neil", ct);
            return [];
        }),
        new("TargetStore.SaveNewVersionAsync", false, async (s, ct) =>
        {
            var target = (await s.Catalogue.GetCurrentTargetsAsync([Kunshan], ct))[0];
            await s.Targets.SaveNewVersionAsync(target with { Value = target.Value + 0.0125m, ResponsibleUnits = ["市教育局", "O'Brien's unit"] },
                "督导员", "raised after the 2025 review: \"新目标\"", ct);
            return [];
        }),
        new("OverrideStore.AddAsync", false, async (s, ct) =>
        {
            var target = (await s.Catalogue.GetCurrentTargetsAsync([Kunshan], ct))[0];
            await s.Overrides.AddAsync(Kunshan, target.Id, ScorecardStatus.AmberRed, "现场核查：数据滞后 'late'", "督导员", new DateOnly(2026, 1, 1), ct);
            return [];
        }),
        new("AuditLog.WriteAsync", false, async (s, ct) =>
        {
            foreach (var e in AuditEvents()) await s.Audit.WriteAsync(e, ct);
            return [];
        }),

        // --- catalogue reads
        new("CatalogueStore.GetRegionTreeAsync", true, async (s, ct) => Rows(await s.Catalogue.GetRegionTreeAsync(Kunshan, ct))),
        new("CatalogueStore.GetWholeAsync", true, async (s, ct) =>
        {
            var whole = await s.Catalogue.GetWholeAsync(ct);
            return [$"regions {whole.Regions.Count}", $"indicators {whole.Indicators.Count}", $"targets {whole.Targets.Count}",
                $"reused {ReferenceEquals(whole, await s.Catalogue.GetWholeAsync(ct))}"];
        }),
        new("CatalogueStore.GetAllRegionsAsync", true, async (s, ct) => Rows(await s.Catalogue.GetAllRegionsAsync(ct))),
        new("CatalogueStore.GetAllCurrentTargetsAsync", true, async (s, ct) => Rows(await s.Catalogue.GetAllCurrentTargetsAsync(ct))),
        new("CatalogueStore.GetRegionCodesAsync (all)", true, async (s, ct) => Rows(await s.Catalogue.GetRegionCodesAsync(null, ct))),
        new("CatalogueStore.GetRegionCodesAsync (subtree)", true, async (s, ct) => Rows(await s.Catalogue.GetRegionCodesAsync(Kunshan, ct))),
        new("CatalogueStore.GetTopLevelRegionCodesAsync", true, async (s, ct) => Rows(await s.Catalogue.GetTopLevelRegionCodesAsync(ct))),
        new("CatalogueStore.FindRegionAsync", true, async (s, ct) => Rows([await s.Catalogue.FindRegionAsync(Kunshan, ct)])),
        new("RegionHierarchy.ExpandAsync", true, async (s, ct) =>
        {
            using var hierarchy = new Dashboard.Security.Jurisdiction.RegionHierarchy(s.Catalogue, new FixedClock(StoreContext.Now));
            var e = await hierarchy.ExpandAsync([Suzhou], ct);
            return [.. e.Regions.Order(StringComparer.Ordinal), "ancestors: " + string.Join(",", e.Ancestors.Order(StringComparer.Ordinal)), "parents: " + string.Join(",", e.Parents)];
        }),
        new("CatalogueStore.GetIndicatorsAsync", true, async (s, ct) => Rows(await s.Catalogue.GetIndicatorsAsync(ct))),
        new("CatalogueStore.GetCurrentTargetsAsync", true, async (s, ct) => Rows(await s.Catalogue.GetCurrentTargetsAsync([Kunshan, "320585"], ct))),
        new("CatalogueStore.GetCurrentTargetsAsync (no regions)", true, async (s, ct) => Rows(await s.Catalogue.GetCurrentTargetsAsync([], ct))),
        new("CatalogueStore.GetCurrentTargetsForTreeAsync", true, async (s, ct) => Rows(await s.Catalogue.GetCurrentTargetsForTreeAsync(Kunshan, ct))),
        new("TargetStore.GetHistoryAsync", false, async (s, ct) =>
        {
            var target = (await s.Catalogue.GetCurrentTargetsAsync([Kunshan], ct))[0];
            return Rows((await s.Targets.GetHistoryAsync(target.Id, ct)).Select(v => v.Target));
        }),

        // --- ingestion reads
        new("IngestionStore.GetRunAsync", true, async (s, ct) => Rows([await s.Ingestion.GetRunAsync("run-1", ct)])),
        new("IngestionStore.GetRunsAsync", true, async (s, ct) => Rows(await s.Ingestion.GetRunsAsync(Source, 10, ct))),
        new("IngestionStore.GetWatermarkAsync", true, async (s, ct) => Rows([await s.Ingestion.GetWatermarkAsync(Source, ct)])),
        new("IngestionStore.GetRunRequestsAsync", false, async (s, ct) => Rows((await s.Ingestion.GetRunRequestsAsync(LoadedAt.AddYears(-1), ct)).Select(r => r.SourceId))),
        new("IngestionStore.GetRejectionsAsync", false, async (s, ct) => Rows((await s.Ingestion.GetRejectionsAsync("run-1", 10, 0, ct)).Select(r => (r.RowNumber, r.Row, r.Reason)))),
        new("OverrideStore.ListAsync", false, async (s, ct) => Rows((await s.Overrides.ListAsync(Kunshan, null, ct)).Select(o => (o.TargetId, o.Override.Status, o.Override.Reason)))),

        // --- scorecard: the engine (roll-up, catalogue and override reads), the bare RollUpSql, the materialised snapshot
        new("ScorecardEngine.EvaluateAsync (county)", true, async (s, ct) => Rows(WithoutOverrideTimes((await s.Engine.EvaluateAsync(Kunshan, StoreContext.AsOf, ct)).Rows))),
        new("ScorecardEngine.EvaluateAsync (city)", true, async (s, ct) => Rows(WithoutOverrideTimes((await s.Engine.EvaluateAsync(Suzhou, StoreContext.AsOf, ct)).Rows))),
        new("ScorecardEngine.EvaluateAsync (schools judged)", true, async (s, ct) => Rows(WithoutOverrideTimes((await s.EngineWithSchools.EvaluateAsync(Kunshan, StoreContext.AsOf, ct)).Rows))),
        new("ScorecardEngine.RollUpSql", true, async (s, ct) =>
        {
            await using var c = await s.Database.OpenAsync(ct);
            var rows = await c.QueryAsync(new CommandDefinition(ScorecardEngine.RollUpSql, new
            {
                root = Kunshan, asOf = StoreContext.AsOf, indicators = new[] { "PUBLIC_ABSORPTION", "BIG_CLASS_56", "NEW_SCHOOL_PLACES" }, collapseSchools = 1,
            }, cancellationToken: ct));
            return Rows(rows.Select(r => string.Join("|", ((IDictionary<string, object?>)r).Values.Select(Text))));
        }),
        new("ScorecardResultStore.GetOrComputeAsync", true, async (s, ct) =>
        {
            var snapshot = await s.Results.GetOrComputeAsync([Kunshan, "320585"], StoreContext.AsOf, ct);
            s.SnapshotId = snapshot.Id;
            return [snapshot.Rows.ToString(CultureInfo.InvariantCulture)];
        }),
        new("ScorecardResultStore.FindAsync", true, async (s, ct) =>
        {
            var found = await s.Results.FindAsync(s.SnapshotId ?? "", ct) ?? throw new InvalidOperationException("The snapshot just made was not found.");
            return [found.AsOf.ToString("O", CultureInfo.InvariantCulture), found.Rows.ToString(CultureInfo.InvariantCulture)];
        }),
        new("ScorecardResultStore.PruneAsync", false, async (s, ct) => [(await s.Results.PruneAsync(ct)).ToString(CultureInfo.InvariantCulture)]),

        // --- audit trail: filtered reads, then retention (drops the month older than 180 days)
        new("AuditLog.QueryAsync (all)", true, async (s, ct) => Rows(await s.Audit.QueryAsync(new AuditQuery(), ct))),
        new("AuditLog.QueryAsync (every filter)", true, async (s, ct) => Rows(await s.Audit.QueryAsync(new AuditQuery(
            From: new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), To: new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc), User: "督导员",
            Action: AuditAction.TargetEdited, Result: AuditResult.Success, Target: "KS-'x'", Limit: 5, Offset: 0), ct))),
        new("AuditLog.DropExpiredPartitionsAsync", true, async (s, ct) =>
            Rows(await s.Audit.DropExpiredPartitionsAsync(AuditLog.MinimumRetentionDays, new Actor("retention", "127.0.0.1"), ct))),

        // --- a frozen report: generation (scorecard, previous report, numbering, store), then every read
        new("ReportService.GenerateAsync", false, async (s, ct) =>
        {
            var report = await s.ReportService.GenerateAsync(Suzhou, StoreContext.AsOf, "compat-suite", ct);
            s.ReportId = report.Snapshot.Id;
            return [report.Snapshot.Id];
        }),
        new("ReportStore.GetAsync", true, async (s, ct) => [(await s.Reports.GetAsync(s.ReportId ?? "", ct))?.ContentHash ?? "none"]),
        new("ReportStore.GetLatestAsync", true, async (s, ct) => [(await s.Reports.GetLatestAsync(Suzhou, StoreContext.AsOf, ct))?.Id ?? "none"]),
        new("ReportStore.ListAsync", true, async (s, ct) => Rows((await s.Reports.ListAsync(Suzhou, ct)).Select(r => (r.Id, r.AsOf, r.Number, r.GeneratedAt)))),
        new("ReportStore.MaxNumberAsync", true, async (s, ct) => [(await s.Reports.MaxNumberAsync(Suzhou, 2026, ct)).ToString(CultureInfo.InvariantCulture)]),
        new("ReportStore.GetFileAsync", true, async (s, ct) => [(await s.Reports.GetFileAsync(s.ReportId ?? "", ReportFormat.Html, ct))?.FileName ?? "none"]),
    ];

    private static List<Observation> FirstObservations()
    {
        var rows = new List<Observation>();
        string[] towns = ["320583100", "320583101", "320583102", "320585100"];
        DateOnly[] terms = [new(2024, 9, 1), new(2025, 2, 1), new(2025, 9, 1)];
        for (var t = 0; t < towns.Length; t++)
        {
            for (var p = 0; p < terms.Length; p++)
            {
                var updated = LoadedAt.AddDays(-1);
                rows.Add(new Observation(towns[t], "PUBLIC_ABSORPTION", terms[p], 800m + (t * 37) + (p * 41), 1000m + (t * 11), null, 1, updated));
                rows.Add(new Observation(towns[t], "BIG_CLASS_56", terms[p], null, null, 12 - (t + p), 1, updated));
            }
            rows.Add(new Observation(towns[t], "NEW_SCHOOL_PLACES", new DateOnly(2025, 1, 1), null, null, 1234.5678m * (t + 1), 1, LoadedAt.AddDays(-1)));
        }
        return rows;
    }

    private static IEnumerable<AuditEvent> AuditEvents()
    {
        yield return new AuditEvent(new DateTime(2026, 3, 30, 1, 2, 3, DateTimeKind.Utc), "督导员", "10.0.0.7", AuditAction.TargetEdited, "KS-'x'",
            AuditResult.Success, "value 0.90 → 0.9125; note \"新目标\"") { Id = new Guid("00000000-0000-0000-0000-000000000001") };
        yield return new AuditEvent(new DateTime(2026, 3, 30, 1, 2, 4, DateTimeKind.Utc), AuditEvent.Anonymous, "10.0.0.8", AuditAction.SignInFailed, "admin",
            AuditResult.Failure, "wrong password\tattempt 3\\5") { Id = new Guid("00000000-0000-0000-0000-000000000002") };
        yield return new AuditEvent(new DateTime(2025, 6, 15, 0, 0, 0, DateTimeKind.Utc), "admin", "127.0.0.1", AuditAction.SignIn, "",
            AuditResult.Success, "old month: dropped by retention") { Id = new Guid("00000000-0000-0000-0000-000000000003") };
    }

    /// <summary>
    /// Rows as text, sorted: several reads have no ORDER BY (the order is the engine's), and the ordered
    /// ones are checked for order by the OData cases.
    /// </summary>
    private static List<string> Rows<T>(IEnumerable<T> rows) => rows.Select(r => Text(r)).Order(StringComparer.Ordinal).ToList();

    // An override's creation time is the wall clock of the run (OverrideStore takes no clock).
    private static IEnumerable<ScorecardRow> WithoutOverrideTimes(IEnumerable<ScorecardRow> rows) =>
        rows.Select(r => r.Override is { } o ? r with { Override = o with { CreatedAt = default } } : r);

    /// <summary>A value as text that is the same on both engines for the same value (decimals without trailing zeros, dates ISO).</summary>
    internal static string Text(object? value) => value switch
    {
        null or DBNull => "NULL",
        decimal d => d.ToString("0.############################", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string s => s,
        System.Collections.IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Text)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        // Records print their members; decimals inside keep the scale the engine gave them, so records are
        // compared after normalising what their printout says.
        _ => NormaliseDecimals(value.ToString() ?? ""),
    };

    private static string NormaliseDecimals(string text) => TrailingZeros().Replace(text, m => m.Groups[1].Value.TrimEnd('.'));

    [System.Text.RegularExpressions.GeneratedRegex(@"(\d+\.\d*?)0+\b")]
    private static partial System.Text.RegularExpressions.Regex TrailingZeros();
}
