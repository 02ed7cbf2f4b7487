using System.Diagnostics;
using System.Globalization;
using Dapper;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Dashboard.Reports;
using Dashboard.Reports.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Bench;

/// <summary>
/// A supervision bulletin for each seeded city over the scorecard benchmark's dataset (load it first with
/// <c>scorecard --rows N --load-only</c>): <see cref="ReportService.GenerateAsync"/> end to end (previous report,
/// scorecard, restatement check, catalogue, snapshot, DOCX + XLSX + HTML, store) timed alternately with the
/// scorecard engine alone as the baseline, in the same process. Every timed generation stores a report, so
/// from the first on each one also re-evaluates its predecessor's as-of date (the restatement check); the
/// first generation of a city (no predecessor, cold JIT) is reported separately.
/// </summary>
internal static class ReportsBench
{
    private static readonly string[] Roots = ["320583", "320585", "331000", "321200", "999001"];
    private static readonly DateOnly AsOf = new(2026, 10, 31);

    public static async Task<int> RunAsync(string connectionString, int runs, CancellationToken ct)
    {
        var database = new ClickHouseDatabase(connectionString);
        var catalogue = new CatalogueStore(database);
        var engine = new ScorecardEngine(database, catalogue, Options.Create(new ScorecardOptions()));
        var reports = new ReportService(engine, catalogue, new ReportStore(database), Options.Create(new ReportOptions()), TimeProvider.System);
        long observations;
        await using (var c = await database.OpenAsync(ct))
            observations = (long)await c.ExecuteScalarAsync<ulong>("SELECT count() FROM observations");
        if (observations == 0) throw new InvalidOperationException("No observations: load them first (Dashboard.Bench scorecard --rows N --load-only).");

        foreach (var root in Roots)
        {
            var sw = Stopwatch.StartNew();
            var first = await reports.GenerateAsync(root, AsOf, "bench", ct);
            var firstMs = sw.Elapsed.TotalMilliseconds;
            // Warm-up: JIT, ClickHouse's caches.
            await engine.EvaluateAsync(root, AsOf, ct);
            await reports.GenerateAsync(root, AsOf, "bench", ct);

            var reportMs = new List<double>();
            var engineMs = new List<double>();
            GeneratedReport? last = null;
            for (var i = 0; i < runs; i++)
            {
                sw.Restart();
                last = await reports.GenerateAsync(root, AsOf, "bench", ct);
                reportMs.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                await engine.EvaluateAsync(root, AsOf, ct);
                engineMs.Add(sw.Elapsed.TotalMilliseconds);
            }
            var bytes = last!.Files.ToDictionary(f => f.Format, f => f.Content.Length);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"city={root} observations={observations} rows={last.Snapshot.Rows.Count} targets={last.Snapshot.TargetRows.Count} first_ms={firstMs:F0} first_id={first.Snapshot.Id} report_ms={Stats.Median(reportMs):F1} engine_ms={Stats.Median(engineMs):F1} ratio={Stats.Median(reportMs) / Stats.Median(engineMs):F2} max_report_ms={reportMs.Max():F0} docx_bytes={bytes[ReportFormat.Docx]} xlsx_bytes={bytes[ReportFormat.Xlsx]} html_bytes={bytes[ReportFormat.Html]} report_runs={Stats.Runs(reportMs, "F0")} engine_runs={Stats.Runs(engineMs, "F0")}"));
        }
        return 0;
    }
}
