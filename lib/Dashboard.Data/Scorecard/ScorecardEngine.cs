using Dapper;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Data.Scorecard;

/// <summary>
/// The one scorecard engine (methodology §5), used by the api, the web app and the reports. ClickHouse
/// rolls the current observations up the hierarchy per region, indicator and period in one query; C#
/// finishes the small region × target result.
/// </summary>
public sealed class ScorecardEngine(ClickHouseDatabase database, CatalogueStore catalogue, IOptions<ScorecardOptions> options)
{
    // Observations of the root's subtree, current revision only (argMax on version = revision, then
    // load time), each mapped to its nearest judged region (itself, or a school's parent when schools are
    // not judged) and summed there. The small result is summed up the tree in C#, so a region's value is
    // the aggregate over itself and all its descendants without joining every row to every ancestor.
    // ALL INNER JOIN, not ANY: current releases pair each key once in ANY INNER JOIN (a region's second observation
    // row found no partner and vanished); the right side has one row per code, so ALL adds nothing else.
    /// <summary>
    /// The roll-up computed from every observation (parameters @root, @asOf, @indicators, @collapseSchools): what the
    /// engine runs when schools are judged, and what <see cref="RollUpFromTableSql"/> stands in for otherwise. Public
    /// for benchmarks and audits.
    /// </summary>
    public const string RollUpSql = """
        SELECT m.judged AS Region, o.indicator_code AS Indicator, o.period AS Period,
               sum(o.num) AS Numerator, sum(o.den) AS Denominator, sum(o.val) AS SumValue, max(o.val) AS MaxValue,
               max(o.loaded_at) AS LoadedAt
        FROM
        (
            SELECT region_code, indicator_code, period,
                   argMax(numerator, version) AS num, argMax(denominator, version) AS den, argMax(value, version) AS val,
                   argMax(loaded_at, version) AS loaded_at
            FROM observations
            WHERE indicator_code IN @indicators AND period <= @asOf
              AND region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code = @root)
            GROUP BY region_code, indicator_code, period
        ) AS o
        ALL INNER JOIN
        (
            SELECT code AS region_code, if(level = 'School' AND @collapseSchools = 1, parent_code, code) AS judged
            FROM regions FINAL
            WHERE code IN (SELECT region_code FROM region_closure WHERE ancestor_code = @root)
        ) AS m USING region_code
        GROUP BY Region, Indicator, Period
        """;

    /// <summary>
    /// The roll-up the engine reads when schools are not judged: the groups of <c>observation_rollup</c> (kept
    /// current by ingestion, see <see cref="ObservationRollup"/>) of the judged regions (@judged), indicators
    /// (@indicators) and periods up to @asOf. Public for benchmarks and audits.
    /// </summary>
    public const string RollUpFromTableSql = """
        SELECT judged_code AS Region, indicator_code AS Indicator, period AS Period, numerator AS Numerator, denominator AS Denominator,
               sum_value AS SumValue, max_value AS MaxValue, loaded_at AS LoadedAt
        FROM observation_rollup FINAL
        WHERE judged_code IN @judged AND indicator_code IN @indicators AND period <= @asOf
        """;

    /// <summary>Judges every region of <paramref name="rootRegionCode"/>'s subtree against every target that applies to it, as of <paramref name="asOf"/>.</summary>
    public async Task<Scorecard> EvaluateAsync(string rootRegionCode, DateOnly asOf, CancellationToken cancellationToken)
    {
        // The catalogue is small: take it whole (read again only when it changed) and walk the hierarchy here
        // rather than through the region_closure view, which ClickHouse recomputes on every reference.
        var whole = await catalogue.GetWholeAsync(cancellationToken);
        var byCode = whole.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        if (!byCode.ContainsKey(rootRegionCode)) throw new KeyNotFoundException($"Region {rootRegionCode} does not exist.");
        var tree = Subtree(byCode.Values, rootRegionCode);
        var indicators = whole.Indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
        var targets = whole.Targets;

        // Schools feed their town's figures; they are judged themselves only when asked for.
        var subtree = tree.Where(r => options.Value.JudgeSchools || r.Level != "School").ToList();
        var applicable = subtree
            .SelectMany(region => Applicable(region, byCode, targets, indicators).Select(t => (Region: region, t.Target, t.Inherited)))
            .ToList();
        if (applicable.Count == 0) return new Scorecard(rootRegionCode, asOf, []);

        var judgedCodes = subtree.Select(r => r.Code).ToArray();
        var neededIndicators = applicable.Select(a => a.Target.IndicatorCode).Distinct(StringComparer.Ordinal).ToList();
        var overridesTask = GetOverridesAsync(judgedCodes, asOf, cancellationToken);
        var series = await RollUpAsync(rootRegionCode, asOf, judgedCodes, neededIndicators, indicators, byCode, cancellationToken);
        var overrides = await overridesTask;

        var rows = new List<ScorecardRow>(applicable.Count);
        foreach (var (region, target, inherited) in applicable)
        {
            if (!indicators.TryGetValue(target.IndicatorCode, out var indicator))
                throw new InvalidDataException($"Target {target.Id} measures unknown indicator {target.IndicatorCode}.");
            var points = series.TryGetValue((region.Code, target.IndicatorCode), out var list) ? list : [];
            overrides.TryGetValue((region.Code, target.Id), out var rating);
            rows.Add(TargetEvaluator.Evaluate(region, target, indicator, inherited, points, asOf, options.Value, rating));
        }
        rows.Sort((x, y) => string.CompareOrdinal(x.RegionCode, y.RegionCode) is var c and not 0 ? c : string.CompareOrdinal(x.TargetId, y.TargetId));
        return new Scorecard(rootRegionCode, asOf, rows);
    }

    private static List<Region> Subtree(IEnumerable<Region> tree, string root)
    {
        var children = tree.ToLookup(r => r.ParentCode, StringComparer.Ordinal);
        var result = new List<Region>();
        var stack = new Stack<Region>(tree.Where(r => r.Code == root));
        while (stack.Count > 0)
        {
            var r = stack.Pop();
            result.Add(r);
            foreach (var child in children[r.Code]) stack.Push(child);
        }
        return result;
    }

    // "A city's target also applies to each of its sub-regions unless a sub-region has its own": per
    // indicator, the targets of the nearest region on the path up from the region that has any.
    // Refinement (docs/scorecard.md): only scale-free targets pass down — ratio and max indicators, and
    // ceilings. "12,800 new places in the city" does not ask 12,800 of every district.
    private static IEnumerable<(Target Target, bool Inherited)> Applicable(
        Region region, Dictionary<string, Region> byCode, IReadOnlyList<Target> targets, Dictionary<string, Indicator> indicators)
    {
        var byRegion = targets.ToLookup(t => t.RegionCode, StringComparer.Ordinal);
        var covered = new HashSet<string>(StringComparer.Ordinal);
        for (var r = region; r is not null; r = byCode.GetValueOrDefault(r.ParentCode))
        {
            var own = byRegion[r.Code].ToList();
            var inherited = r.Code != region.Code;
            foreach (var indicator in own.Select(t => t.IndicatorCode).Distinct(StringComparer.Ordinal).Where(i => !covered.Contains(i)).ToList())
            {
                foreach (var t in own.Where(t => t.IndicatorCode == indicator && (!inherited || Inheritable(t, indicators))))
                    yield return (t, inherited);
                covered.Add(indicator);
            }
        }
    }

    private static bool Inheritable(Target target, Dictionary<string, Indicator> indicators) =>
        target.Kind == TargetKind.Ceiling
        || (indicators.TryGetValue(target.IndicatorCode, out var indicator) && indicator.Kind is IndicatorKind.Ratio or IndicatorKind.Max);

    private async Task<Dictionary<(string Region, string Indicator), List<PeriodValue>>> RollUpAsync(
        string root, DateOnly asOf, string[] judgedCodes, IReadOnlyList<string> indicatorCodes, Dictionary<string, Indicator> indicators,
        Dictionary<string, Region> byCode, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        // Judged schools have no pre-summed groups (the table sums schools into their towns): aggregate from the observations.
        var rows = options.Value.JudgeSchools
            ? await c.QueryAsync<RollUpRow>(new CommandDefinition(RollUpSql,
                new { root, asOf, indicators = indicatorCodes, collapseSchools = 0 }, cancellationToken: ct))
            : await c.QueryAsync<RollUpRow>(new CommandDefinition(RollUpFromTableSql,
                new { judged = judgedCodes, asOf, indicators = indicatorCodes }, cancellationToken: ct));

        // Sum each judged region's figures into it and every ancestor up to the root.
        var sums = new Dictionary<(string Region, string Indicator, DateOnly Period), Sums>();
        foreach (var row in rows)
        {
            var period = DateOnly.FromDateTime(row.Period);
            for (var code = row.Region; ; code = byCode[code].ParentCode)
            {
                var key = (code, row.Indicator, period);
                sums[key] = sums.TryGetValue(key, out var acc) ? acc.Add(row) : Sums.Of(row);
                if (code == root || !byCode.ContainsKey(byCode[code].ParentCode)) break;
            }
        }

        var result = new Dictionary<(string, string), List<PeriodValue>>();
        foreach (var ((region, indicator, period), acc) in sums)
        {
            // Methodology §2: ratio of sums (no value where Σ denominator = 0), sum, or max.
            decimal? value = indicators[indicator].Kind switch
            {
                IndicatorKind.Ratio => acc.Denominator is { } den && den != 0 && acc.Numerator is { } num ? num / den : null,
                IndicatorKind.Max => acc.Max,
                _ => acc.Sum,
            };
            if (value is null) continue;
            var key = (region, indicator);
            if (!result.TryGetValue(key, out var list)) result[key] = list = [];
            list.Add(new PeriodValue(period, value.Value, acc.LoadedAt));
        }
        foreach (var list in result.Values) list.Sort((x, y) => x.Start.CompareTo(y.Start));
        return result;
    }

    // Sums that stay null until a non-null value arrives, as ClickHouse's sum and max over Nullable do.
    private readonly record struct Sums(decimal? Numerator, decimal? Denominator, decimal? Sum, decimal? Max, DateTime LoadedAt)
    {
        public static Sums Of(RollUpRow r) => new(r.Numerator, r.Denominator, r.SumValue, r.MaxValue, r.LoadedAt);

        public Sums Add(RollUpRow r) => new(Plus(Numerator, r.Numerator), Plus(Denominator, r.Denominator), Plus(Sum, r.SumValue),
            r.MaxValue is { } m && (Max is null || m > Max) ? m : Max, r.LoadedAt > LoadedAt ? r.LoadedAt : LoadedAt);

        private static decimal? Plus(decimal? a, decimal? b) => a is null ? b : b is null ? a : a + b;
    }

    private async Task<Dictionary<(string Region, string Target), RatingOverride>> GetOverridesAsync(string[] regions, DateOnly asOf, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<OverrideRow>(new CommandDefinition("""
            SELECT region_code AS RegionCode, target_id AS TargetId, argMax(status, version) AS Status, argMax(reason, version) AS Reason,
                   argMax(author, version) AS Author, argMax(created_at, version) AS CreatedAt, argMax(valid_from, version) AS ValidFrom
            FROM rating_overrides
            WHERE valid_from <= @asOf AND region_code IN @regions
            GROUP BY region_code, target_id
            """, new { regions, asOf }, cancellationToken: ct));
        return rows.ToDictionary(
            r => (r.RegionCode, r.TargetId),
            r => new RatingOverride(Enum.Parse<ScorecardStatus>(r.Status), r.Reason, r.Author, r.CreatedAt, DateOnly.FromDateTime(r.ValidFrom)));
    }

    private sealed record RollUpRow(string Region, string Indicator, DateTime Period, decimal? Numerator, decimal? Denominator, decimal? SumValue, decimal? MaxValue, DateTime LoadedAt);

    private sealed record OverrideRow(string RegionCode, string TargetId, string Status, string Reason, string Author, DateTime CreatedAt, DateTime ValidFrom);
}
