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
    // load time), rolled up to every region of the subtree through the closure. Each observation counts
    // once per ancestor, so a region's value is the aggregate over itself and all its descendants.
    internal const string RollUpSql = """
        SELECT c.ancestor_code AS Region, o.indicator_code AS Indicator, o.period AS Period,
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
            SELECT region_code, ancestor_code FROM region_closure
            WHERE ancestor_code IN (SELECT region_code FROM region_closure WHERE ancestor_code = @root)
        ) AS c USING region_code
        GROUP BY Region, Indicator, Period
        """;

    /// <summary>Judges every region of <paramref name="rootRegionCode"/>'s subtree against every target that applies to it, as of <paramref name="asOf"/>.</summary>
    public async Task<Scorecard> EvaluateAsync(string rootRegionCode, DateOnly asOf, CancellationToken cancellationToken)
    {
        var tree = await catalogue.GetRegionTreeAsync(rootRegionCode, cancellationToken);
        if (!tree.Any(r => r.Code == rootRegionCode)) throw new KeyNotFoundException($"Region {rootRegionCode} does not exist.");
        var indicators = (await catalogue.GetIndicatorsAsync(cancellationToken)).ToDictionary(i => i.Code, StringComparer.Ordinal);
        var targets = await catalogue.GetCurrentTargetsAsync(tree.Select(r => r.Code).ToList(), cancellationToken);

        var byCode = tree.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var subtree = Subtree(tree, rootRegionCode);
        var applicable = subtree
            .SelectMany(region => Applicable(region, byCode, targets, indicators).Select(t => (Region: region, t.Target, t.Inherited)))
            .ToList();
        if (applicable.Count == 0) return new Scorecard(rootRegionCode, asOf, []);

        var neededIndicators = applicable.Select(a => a.Target.IndicatorCode).Distinct(StringComparer.Ordinal).ToList();
        var series = await RollUpAsync(rootRegionCode, asOf, neededIndicators, indicators, cancellationToken);
        var overrides = await GetOverridesAsync(rootRegionCode, asOf, cancellationToken);

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

    private static List<Region> Subtree(IReadOnlyList<Region> tree, string root)
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
        string root, DateOnly asOf, IReadOnlyList<string> indicatorCodes, Dictionary<string, Indicator> indicators, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<RollUpRow>(new CommandDefinition(RollUpSql, new { root, asOf, indicators = indicatorCodes }, cancellationToken: ct));
        var result = new Dictionary<(string, string), List<PeriodValue>>();
        foreach (var row in rows)
        {
            var kind = indicators[row.Indicator].Kind;
            // Methodology §2: ratio of sums (no value where Σ denominator = 0), sum, or max.
            decimal? value = kind switch
            {
                IndicatorKind.Ratio => row.Denominator is { } den && den != 0 && row.Numerator is { } num ? num / den : null,
                IndicatorKind.Max => row.MaxValue,
                _ => row.SumValue,
            };
            if (value is null) continue;
            var key = (row.Region, row.Indicator);
            if (!result.TryGetValue(key, out var list)) result[key] = list = [];
            list.Add(new PeriodValue(DateOnly.FromDateTime(row.Period), value.Value, row.LoadedAt));
        }
        foreach (var list in result.Values) list.Sort((x, y) => x.Start.CompareTo(y.Start));
        return result;
    }

    private async Task<Dictionary<(string Region, string Target), RatingOverride>> GetOverridesAsync(string root, DateOnly asOf, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<OverrideRow>(new CommandDefinition("""
            SELECT region_code AS RegionCode, target_id AS TargetId, argMax(status, created_at) AS Status, argMax(reason, created_at) AS Reason,
                   argMax(author, created_at) AS Author, max(created_at) AS CreatedAt, argMax(valid_from, created_at) AS ValidFrom
            FROM rating_overrides
            WHERE valid_from <= @asOf AND region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code = @root)
            GROUP BY region_code, target_id
            """, new { root, asOf }, cancellationToken: ct));
        return rows.ToDictionary(
            r => (r.RegionCode, r.TargetId),
            r => new RatingOverride(Enum.Parse<ScorecardStatus>(r.Status), r.Reason, r.Author, r.CreatedAt, DateOnly.FromDateTime(r.ValidFrom)));
    }

    private sealed record RollUpRow(string Region, string Indicator, DateTime Period, decimal? Numerator, decimal? Denominator, decimal? SumValue, decimal? MaxValue, DateTime LoadedAt);

    private sealed record OverrideRow(string RegionCode, string TargetId, string Status, string Reason, string Author, DateTime CreatedAt, DateTime ValidFrom);
}
