using System.Diagnostics;
using System.Globalization;
using Dapper;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Periods;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Bench;

/// <summary>
/// The scorecard of each seeded city over a dataset of about <c>rows</c> observations: synthetic
/// schools under every leaf region of the five issuers, every indicator at its own periodicity from
/// 2019 to the as-of date. Each city's engine latency (catalogue reads, roll-up, evaluation) is timed
/// alternately with the engine's roll-up SQL alone, sent through the same provider and read to the end.
/// </summary>
internal static class ScorecardBench
{
    private static readonly string[] Roots = ["320583", "320585", "331000", "321200", "999001"];
    private static readonly DateOnly AsOf = new(2026, 10, 31);
    private static readonly DateOnly First = new(2019, 1, 1);

    public static async Task<int> RunAsync(string connectionString, int rows, int runs, bool load, CancellationToken ct)
    {
        var database = new ClickHouseDatabase(connectionString);
        var catalogue = new CatalogueStore(database);
        var indicators = await catalogue.GetIndicatorsAsync(ct);
        Loaded loaded;
        if (load)
        {
            loaded = await LoadAsync(database, catalogue, indicators, rows, ct);
            Console.Error.WriteLine($"[bench] loaded {loaded.Observations:N0} observations for {loaded.Schools:N0} schools in {loaded.Seconds:F1} s");
        }
        else
        {
            await using var c = await database.OpenAsync(ct);
            loaded = new Loaded((long)await c.ExecuteScalarAsync<ulong>("SELECT count() FROM observations"), 0, 0);
        }

        // The bulk load bypasses ingestion, which keeps observation_rollup current: build it whole, as the
        // migrator does for a database that has observations and no roll-up yet.
        var rebuild = Stopwatch.StartNew();
        var method = await new ObservationRollup(database).RebuildAsync(ct);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench] rebuilt observation_rollup ({method}) in {rebuild.Elapsed.TotalSeconds:F1} s"));
        if (runs == 0) return 0;
        var engine = new ScorecardEngine(database, catalogue, Options.Create(new ScorecardOptions()));
        var regions = await catalogue.GetAllRegionsAsync(ct);
        foreach (var root in Roots)
        {
            var targets = await catalogue.GetCurrentTargetsForTreeAsync(root, ct);
            var needed = targets.Select(t => t.IndicatorCode).Distinct(StringComparer.Ordinal).ToList();
            var cityRows = await CountAsync(database, root, needed, ct);
            var judged = Judged(regions, root);

            // Warm-up: JIT, ClickHouse's caches.
            for (var i = 0; i < 2; i++)
            {
                await engine.EvaluateAsync(root, AsOf, ct);
                await TableAsync(database, judged, needed, ct);
                await RawAsync(database, root, needed, ct);
            }
            var engineMs = new List<double>();
            var tableMs = new List<double>();
            var rawMs = new List<double>();
            var scorecardRows = 0;
            for (var i = 0; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                var card = await engine.EvaluateAsync(root, AsOf, ct);
                engineMs.Add(sw.Elapsed.TotalMilliseconds);
                scorecardRows = card.Rows.Count;
                sw.Restart();
                await TableAsync(database, judged, needed, ct);
                tableMs.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                await RawAsync(database, root, needed, ct);
                rawMs.Add(sw.Elapsed.TotalMilliseconds);
            }
            // ratio: the engine against the aggregation query it runs (the roll-up table read); scratch_ratio: against
            // aggregating every observation of the city from scratch, which is what it ran before the roll-up table.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"city={root} observations={loaded.Observations} city_rows={cityRows} scorecard_rows={scorecardRows} engine_ms={Stats.Median(engineMs):F1} table_ms={Stats.Median(tableMs):F1} raw_ms={Stats.Median(rawMs):F1} ratio={Stats.Median(engineMs) / Stats.Median(tableMs):F2} scratch_ratio={Stats.Median(engineMs) / Stats.Median(rawMs):F2} engine_runs={Stats.Runs(engineMs, "F0")} raw_runs={Stats.Runs(rawMs, "F0")}"));
        }
        return 0;
    }

    // The judged regions of a city: every region of its subtree except schools (which feed their town).
    private static string[] Judged(IReadOnlyList<Region> regions, string root)
    {
        var children = regions.ToLookup(r => r.ParentCode, StringComparer.Ordinal);
        var result = new List<string>();
        var stack = new Stack<Region>(regions.Where(r => r.Code == root));
        while (stack.Count > 0)
        {
            var r = stack.Pop();
            if (r.Level != "School") result.Add(r.Code);
            foreach (var child in children[r.Code]) stack.Push(child);
        }
        return [.. result];
    }

    private static async Task TableAsync(ClickHouseDatabase database, string[] judged, IReadOnlyList<string> indicators, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await using var cmd = c.CreateCommand(ScorecardEngine.RollUpFromTableSql);
        cmd.Parameters.AddWithValue("judged", judged);
        cmd.Parameters.AddWithValue("asOf", AsOf);
        cmd.Parameters.AddWithValue("indicators", indicators.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync(ct)) reader.GetValues(values);
    }

    private static async Task RawAsync(ClickHouseDatabase database, string root, IReadOnlyList<string> indicators, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await using var cmd = c.CreateCommand(ScorecardEngine.RollUpSql);
        cmd.Parameters.AddWithValue("root", root);
        cmd.Parameters.AddWithValue("asOf", AsOf);
        cmd.Parameters.AddWithValue("indicators", indicators.ToArray());
        cmd.Parameters.AddWithValue("collapseSchools", 1);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync(ct)) reader.GetValues(values);
    }

    private static async Task<ulong> CountAsync(ClickHouseDatabase database, string root, IReadOnlyList<string> indicators, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<ulong>(new CommandDefinition(
            "SELECT count() FROM observations WHERE indicator_code IN @indicators AND region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code = @root)",
            new { root, indicators = indicators.ToArray() }, cancellationToken: ct));
    }

    private sealed record Loaded(long Observations, int Schools, double Seconds);

    private static async Task<Loaded> LoadAsync(ClickHouseDatabase database, CatalogueStore catalogue, IReadOnlyList<Indicator> indicators, int rows, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var leaves = new List<string>();
        foreach (var root in Roots)
        {
            var tree = await catalogue.GetRegionTreeAsync(root, ct);
            var parents = tree.Select(r => r.ParentCode).ToHashSet(StringComparer.Ordinal);
            var subtree = await catalogue.GetRegionCodesAsync(root, ct);
            leaves.AddRange(subtree.Where(code => !parents.Contains(code)));
        }
        var periods = indicators.ToDictionary(i => i.Code, i => Periods(i.Periodicity).ToArray());
        var perSchool = periods.Values.Sum(p => p.Length);
        var schoolsPerLeaf = (int)Math.Ceiling((double)rows / perSchool / leaves.Count);
        var schools = leaves.SelectMany(leaf => Enumerable.Range(1, schoolsPerLeaf)
            .Select(n => (Leaf: leaf, Code: leaf.PadRight(9, '0') + n.ToString("D3", CultureInfo.InvariantCulture)))).ToList();

        await using var c = await database.OpenAsync(ct);
        await c.CreateBulkWriter("regions", ["code", "name", "level", "parent_code", "kind", "provenance"]).WriteAsync(
            schools, (s, w) => w.String(s.Code).String("学校" + s.Code[^3..]).String("School").String(s.Leaf).String("学校").String("benchmark"), ct);

        var loadedAt = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        // Deterministic from the positions (HashCode is randomised per process): the same data every run.
        IEnumerable<(string School, Indicator Indicator, DateOnly Period, uint Seed)> All()
        {
            for (var si = 0; si < schools.Count; si++)
                for (var ii = 0; ii < indicators.Count; ii++)
                    foreach (var p in periods[indicators[ii].Code])
                        yield return (schools[si].Code, indicators[ii], p, Mix((uint)si, (uint)ii, (uint)p.DayNumber));
        }
        var written = await c.CreateBulkWriter("observations",
                ["region_code", "indicator_code", "period", "numerator", "denominator", "value", "revision", "source_id", "run_id", "updated_at", "loaded_at"])
            .WriteAsync(All(), (o, w) =>
            {
                var rnd = o.Seed;
                var denominator = 200 + rnd % 1800;
                w.String(o.School).String(o.Indicator.Code).Date(o.Period);
                if (o.Indicator.Kind == IndicatorKind.Ratio)
                    w.Decimal(denominator * (60 + (rnd >> 11) % 40) / 100).Decimal(denominator).Null();
                else
                    w.Null().Null().Decimal((rnd >> 7) % 60);
                w.UInt64(1).String("bench").String("bench").DateTime(loadedAt).DateTime(loadedAt);
            }, ct);
        return new Loaded(written, schools.Count, sw.Elapsed.TotalSeconds);
    }

    private static uint Mix(uint a, uint b, uint c)
    {
        var h = a * 0x9E3779B1u ^ b * 0x85EBCA77u ^ c * 0xC2B2AE3Du;
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        return h ^ (h >> 12);
    }

    private static IEnumerable<DateOnly> Periods(Periodicity periodicity)
    {
        for (var p = PeriodCalendar.Start(periodicity, First); p <= AsOf; p = PeriodCalendar.End(periodicity, p).AddDays(1))
            yield return p;
    }
}
