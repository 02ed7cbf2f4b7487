using System.Globalization;
using System.Text;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Reports.Render;
using Dashboard.Reports.Snapshot;
using Dashboard.Reports.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Reports;

/// <summary>A stored report with its files.</summary>
/// <param name="Snapshot">The frozen snapshot.</param>
/// <param name="Files">The rendered files (DOCX, XLSX, HTML).</param>
public sealed record GeneratedReport(ReportSnapshot Snapshot, IReadOnlyList<ReportFile> Files);

/// <summary>How one region × target differs between two reports.</summary>
public enum DifferenceKind
{
    /// <summary>Same rating, same actual value.</summary>
    Unchanged,
    /// <summary>Same rating, another actual value.</summary>
    ValueChanged,
    /// <summary>The rating changed.</summary>
    RatingChanged,
    /// <summary>Only in the later report.</summary>
    Added,
    /// <summary>Only in the earlier report.</summary>
    Removed,
}

/// <summary>One region × target across two reports.</summary>
/// <param name="RegionCode">The region.</param>
/// <param name="RegionName">Its name.</param>
/// <param name="TargetId">The target.</param>
/// <param name="IndicatorName">The indicator's name.</param>
/// <param name="Kind">What changed.</param>
/// <param name="StatusBefore">Rating in the earlier report.</param>
/// <param name="StatusAfter">Rating in the later report.</param>
/// <param name="ActualBefore">Actual value in the earlier report.</param>
/// <param name="ActualAfter">Actual value in the later report.</param>
/// <param name="Delta">After − before, when both have a value.</param>
public sealed record RowDifference(string RegionCode, string RegionName, string TargetId, string IndicatorName, DifferenceKind Kind,
    ScorecardStatus? StatusBefore, ScorecardStatus? StatusAfter, decimal? ActualBefore, decimal? ActualAfter, decimal? Delta);

/// <summary>Two reports of a city compared, earlier first.</summary>
/// <param name="Earlier">The report with the earlier as-of date.</param>
/// <param name="Later">The other one.</param>
/// <param name="Rows">Every region × target of either, ordered by region code then target id.</param>
public sealed record ReportComparison(ReportSummaryLine Earlier, ReportSummaryLine Later, IReadOnlyList<RowDifference> Rows)
{
    /// <summary>Rows whose rating changed.</summary>
    public IReadOnlyList<RowDifference> RatingChanges => Rows.Where(r => r.Kind == DifferenceKind.RatingChanged).ToList();
}

/// <summary>Which report a comparison side is.</summary>
/// <param name="Id">Report id.</param>
/// <param name="AsOf">Its as-of date.</param>
/// <param name="NumberLabel">Its number as printed.</param>
public sealed record ReportSummaryLine(string Id, DateOnly AsOf, string NumberLabel);

/// <summary>
/// Generates, stores and serves supervision bulletins (methodology §6). A report is computed once from
/// the scorecard and stored with its files; reading it never recomputes anything.
/// </summary>
public sealed class ReportService(ScorecardEngine engine, CatalogueStore catalogue, ReportStore store, IOptions<ReportOptions> options, TimeProvider clock)
{
    /// <summary>
    /// Evaluates the city's scorecard as of <paramref name="asOf"/>, measures it against the city's previous
    /// report, freezes the snapshot, renders DOCX, XLSX and HTML, and stores all of it.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The city does not exist.</exception>
    /// <exception cref="ReportExistsException">The id is taken (another generation for the city ran at the same time); retry.</exception>
    /// <remarks>Run one generation per city at a time: the store's existence check is not atomic.</remarks>
    public async Task<GeneratedReport> GenerateAsync(string cityCode, DateOnly asOf, string generatedBy, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cityCode);
        ArgumentException.ThrowIfNullOrWhiteSpace(generatedBy);
        var now = clock.GetUtcNow().UtcDateTime;
        // ClickHouse DateTime keeps whole seconds: freeze what the store can hold, so the hash survives a round trip.
        now = DateTime.SpecifyKind(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)), DateTimeKind.Utc);
        var year = DateOnly.FromDateTime(now.AddHours(8)).Year;

        // The previous report is the latest one as of this date or earlier: a back-dated report compares with
        // what came before it, not with a later bulletin.
        var previous = await store.GetLatestAsync(cityCode, asOf, ct);
        // The scorecard and the catalogue details the bulletin prints are independent reads. The previous
        // report's as-of date is evaluated again on today's data only to detect restatements: one more
        // engine call per report, never one per row.
        var cardTask = engine.EvaluateAsync(cityCode, asOf, ct);
        var againTask = previous is null ? Task.FromResult<Scorecard?>(null) : EvaluateOrNullAsync(cityCode, previous.AsOf, ct);
        var treeTask = catalogue.GetRegionTreeAsync(cityCode, ct);
        var indicatorsTask = catalogue.GetIndicatorsAsync(ct);
        var targetsTask = catalogue.GetCurrentTargetsForTreeAsync(cityCode, ct);
        var numberTask = store.MaxNumberAsync(cityCode, year, ct);
        await Task.WhenAll(cardTask, againTask, treeTask, indicatorsTask, targetsTask, numberTask);

        var city = (await treeTask).FirstOrDefault(r => r.Code == cityCode) ?? throw new KeyNotFoundException($"Region {cityCode} does not exist.");
        var number = await numberTask + 1;
        var snapshot = SnapshotBuilder.Build(new SnapshotInput(
            string.Create(CultureInfo.InvariantCulture, $"{cityCode}-{year}-{number:000}"), city, year, number, now, generatedBy,
            await cardTask, await indicatorsTask, await targetsTask, previous, await againTask), options.Value);
        // Render what is stored: the canonical form (decimals without the server's trailing zeros), so that a
        // re-render of the stored snapshot gives the same bytes as the files stored beside it.
        snapshot = ReportSnapshot.FromCanonicalJson(snapshot.ToCanonicalJson());

        var files = Render(snapshot);
        await store.SaveAsync(snapshot, files, ct);
        return new GeneratedReport(snapshot, files);
    }

    /// <summary>Renders the three files of a snapshot; the same snapshot gives the same bytes.</summary>
    public static IReadOnlyList<ReportFile> Render(ReportSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return
        [
            ReportFile.Of(snapshot.Id, ReportFormat.Docx, FileName(snapshot, ReportFormat.Docx), DocxBulletinWriter.ContentType, DocxBulletinWriter.Write(snapshot)),
            ReportFile.Of(snapshot.Id, ReportFormat.Xlsx, FileName(snapshot, ReportFormat.Xlsx), XlsxWorkbookWriter.ContentType, XlsxWorkbookWriter.Write(snapshot)),
            ReportFile.Of(snapshot.Id, ReportFormat.Html, FileName(snapshot, ReportFormat.Html), HtmlPrintView.ContentType, Encoding.UTF8.GetBytes(HtmlPrintView.Write(snapshot))),
        ];
    }

    /// <summary>The download name of a rendering: 督导通报2026第3期-台州市.docx.</summary>
    public static string FileName(ReportSnapshot snapshot, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return string.Create(CultureInfo.InvariantCulture, $"督导通报{snapshot.Year}第{snapshot.Number}期-{snapshot.CityName}.{format.ToString().ToLowerInvariant()}");
    }

    /// <summary>The stored report, or null.</summary>
    public Task<ReportSnapshot?> GetAsync(string id, CancellationToken ct) => store.GetAsync(id, ct);

    /// <summary>The city's reports, newest first.</summary>
    public Task<IReadOnlyList<ReportSummary>> ListAsync(string cityCode, CancellationToken ct) => store.ListAsync(cityCode, ct);

    /// <summary>A stored file of a report, byte for byte as generated, or null.</summary>
    public Task<ReportFile?> GetFileAsync(string id, ReportFormat format, CancellationToken ct) => store.GetFileAsync(id, format, ct);

    /// <summary>Compares two stored reports of a city.</summary>
    /// <exception cref="KeyNotFoundException">Either report does not exist.</exception>
    public async Task<ReportComparison> CompareAsync(string idA, string idB, CancellationToken ct)
    {
        var a = await store.GetAsync(idA, ct) ?? throw new KeyNotFoundException($"Report {idA} does not exist.");
        var b = await store.GetAsync(idB, ct) ?? throw new KeyNotFoundException($"Report {idB} does not exist.");
        return Compare(a, b);
    }

    /// <summary>What changed in ratings and values between two reports of one city (either order; the earlier as-of date comes first).</summary>
    /// <exception cref="ArgumentException">The reports are of different cities.</exception>
    public static ReportComparison Compare(ReportSnapshot a, ReportSnapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.CityCode != b.CityCode) throw new ArgumentException($"Reports {a.Id} and {b.Id} are of different cities.", nameof(b));
        var (earlier, later) = (a.AsOf, a.GeneratedAt).CompareTo((b.AsOf, b.GeneratedAt)) <= 0 ? (a, b) : (b, a);
        var before = earlier.Rows.ToDictionary(r => (r.RegionCode, r.TargetId));
        var after = later.Rows.ToDictionary(r => (r.RegionCode, r.TargetId));
        var rows = before.Keys.Union(after.Keys)
            .OrderBy(k => k.RegionCode, StringComparer.Ordinal).ThenBy(k => k.TargetId, StringComparer.Ordinal)
            .Select(k =>
            {
                var x = before.GetValueOrDefault(k);
                var y = after.GetValueOrDefault(k);
                var any = (y ?? x)!;
                var kind = x is null ? DifferenceKind.Added
                    : y is null ? DifferenceKind.Removed
                    : x.Status != y.Status ? DifferenceKind.RatingChanged
                    : x.Actual != y.Actual ? DifferenceKind.ValueChanged
                    : DifferenceKind.Unchanged;
                return new RowDifference(k.RegionCode, any.RegionName, k.TargetId, any.IndicatorName, kind, x?.Status, y?.Status, x?.Actual, y?.Actual,
                    x?.Actual is { } p && y?.Actual is { } q ? q - p : null);
            })
            .ToList();
        return new ReportComparison(Line(earlier), Line(later), rows);
    }

    private static ReportSummaryLine Line(ReportSnapshot s) => new(s.Id, s.AsOf, s.NumberLabel);

    private async Task<Scorecard?> EvaluateOrNullAsync(string cityCode, DateOnly asOf, CancellationToken ct) =>
        await engine.EvaluateAsync(cityCode, asOf, ct);
}
