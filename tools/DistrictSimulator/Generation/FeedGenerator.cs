using Dashboard.Data.Catalogue;
using Dashboard.Data.Periods;
using DistrictSimulator.Reference;

namespace DistrictSimulator.Generation;

/// <summary>
/// Builds every source's rows from the reference catalogue, a seed and "today". Pure and deterministic:
/// the same catalogue, seed and today give the same rows, byte for byte.
/// </summary>
/// <remarks>
/// Values follow each county's profile against the targets that apply to it (methodology §4, §5):
/// on-track series reach the target (plus a margin) by half the target's window, so they stay ahead of the
/// trajectory line; lagging series make a quarter of the way or fall short of maintain and ceiling levels.
/// Ratio series run per leaf region (ratios are scale-free); counts are generated as the county's total
/// (a city's count target scaled to the county's share of the city's leaves) and split over the leaves.
/// </remarks>
public sealed class FeedGenerator(ReferenceCatalogue catalogue, long seed, DateOnly today)
{
    /// <summary>Rows are never generated for periods before this day.</summary>
    public static readonly DateOnly Earliest = new(2019, 1, 1);

    /// <summary>How many periods before today the stale county's rows stop.</summary>
    public const int StalePeriods = 6;

    /// <summary>Share of rows restated with revision 2.</summary>
    public const double RestatementShare = 0.02;

    private const double RatioMargin = 0.03;

    /// <summary>
    /// Ratio indicators whose unit is not a percentage (money per pupil, a multiple) have numerator &gt;
    /// denominator by nature, which the feed contract declares invalid; they are not served.
    /// </summary>
    public static bool Servable(Indicator indicator)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        return indicator.Kind != IndicatorKind.Ratio || indicator.Unit == "%";
    }

    /// <summary>The county-level regions of the issuers' subtrees, by code.</summary>
    public IReadOnlyList<Region> Counties() => ReferenceCatalogue.IssuerRoots
        .SelectMany(catalogue.Subtree)
        .Where(r => r.Level == "County")
        .DistinctBy(r => r.Code)
        .OrderBy(r => r.Code, StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// Each county's profile, by a hash of its code and the seed: exactly one Silent, exactly one Stale (the
    /// first in hash order that has at least two periods of history before its rows stop), about a fifth
    /// Lagging, the rest OnTrack.
    /// </summary>
    public IReadOnlyDictionary<string, CountyProfile> Profiles()
    {
        var ranked = Counties().OrderBy(c => StableRandom.Hash(seed, "profile", c.Code)).ThenBy(c => c.Code, StringComparer.Ordinal).ToList();
        var result = new Dictionary<string, CountyProfile>(StringComparer.Ordinal);
        if (ranked.Count == 0) return result;
        result[ranked[0].Code] = CountyProfile.Silent;
        ranked.RemoveAt(0);
        var stale = ranked.FindIndex(c => IndicatorPlans(c).Any(p => Periods(p, CountyProfile.Stale).Count >= 2));
        if (stale >= 0)
        {
            result[ranked[stale].Code] = CountyProfile.Stale;
            ranked.RemoveAt(stale);
        }
        var lagging = Math.Max(1, (int)Math.Round((ranked.Count + result.Count) * 0.2, MidpointRounding.AwayFromZero));
        for (var i = 0; i < ranked.Count; i++) result[ranked[i].Code] = i < lagging ? CountyProfile.Lagging : CountyProfile.OnTrack;
        return result;
    }

    /// <summary>Every source, ordered by id.</summary>
    public IReadOnlyList<SimulatedSource> Generate()
    {
        var profiles = Profiles();
        return Counties().Select(c => BuildSource(c, profiles[c.Code])).ToList();
    }

    private SimulatedSource BuildSource(Region county, CountyProfile profile)
    {
        var leaves = catalogue.Leaves(county.Code);
        var plans = IndicatorPlans(county);
        var rows = new List<FeedRow>();
        if (profile != CountyProfile.Silent)
        {
            foreach (var plan in plans) rows.AddRange(RowsFor(county, leaves, plan, profile));
        }
        rows.Sort(FeedRow.CompareFeedOrder);
        return new SimulatedSource(county.Code + "-edu", county, profile, leaves, plans.Select(p => p.Indicator).ToList(), rows);
    }

    /// <summary>What a county reports for one indicator and against which targets.</summary>
    /// <param name="Indicator">The indicator.</param>
    /// <param name="Applicable">Every target on the county or an ancestor for this indicator (fixes the first period).</param>
    /// <param name="Governing">The targets of the nearest region (the county first) that has any: the series follows them.</param>
    /// <param name="GoverningRegion">That region.</param>
    private sealed record IndicatorPlan(Indicator Indicator, IReadOnlyList<Target> Applicable, IReadOnlyList<Target> Governing, string GoverningRegion);

    private List<IndicatorPlan> IndicatorPlans(Region county)
    {
        var chain = catalogue.SelfAndAncestors(county.Code).Select(r => r.Code).ToList();
        var byIndicator = catalogue.Targets.Where(t => chain.Contains(t.RegionCode, StringComparer.Ordinal))
            .GroupBy(t => t.IndicatorCode, StringComparer.Ordinal);
        var plans = new List<IndicatorPlan>();
        foreach (var group in byIndicator)
        {
            if (!catalogue.Indicators.TryGetValue(group.Key, out var indicator) || !Servable(indicator)) continue;
            var governingRegion = chain.First(code => group.Any(t => t.RegionCode == code));
            var governing = group.Where(t => t.RegionCode == governingRegion).OrderBy(t => t.StartDate).ThenBy(t => t.Deadline).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
            plans.Add(new IndicatorPlan(indicator, group.ToList(), governing, governingRegion));
        }
        return plans.OrderBy(p => p.Indicator.Code, StringComparer.Ordinal).ToList();
    }

    private readonly record struct PeriodSlot(DateOnly Start, DateOnly End, int Index);

    private List<PeriodSlot> Periods(IndicatorPlan plan, CountyProfile profile)
    {
        var periodicity = plan.Indicator.Periodicity;
        var first = plan.Applicable.Select(t => t.StartDate)
            .Concat(plan.Applicable.Where(t => t.BaselinePeriod is not null).Select(t => t.BaselinePeriod!.Value))
            .Min();
        if (first < Earliest) first = Earliest;
        var last = PeriodCalendar.Index(periodicity, today);
        if (profile == CountyProfile.Stale) last -= StalePeriods;
        var list = new List<PeriodSlot>();
        for (var start = PeriodCalendar.Start(periodicity, first); PeriodCalendar.Index(periodicity, start) <= last;)
        {
            var end = PeriodCalendar.End(periodicity, start);
            list.Add(new PeriodSlot(start, end, PeriodCalendar.Index(periodicity, start)));
            start = end.AddDays(1);
        }
        return list;
    }

    private IEnumerable<FeedRow> RowsFor(Region county, IReadOnlyList<Region> leaves, IndicatorPlan plan, CountyProfile profile)
    {
        // The stale county's data is an on-track county's that stops early.
        var behaviour = profile == CountyProfile.Lagging ? CountyProfile.Lagging : CountyProfile.OnTrack;
        var periods = Periods(plan, profile);
        if (periods.Count == 0) yield break;
        var indicator = plan.Indicator;
        var weights = leaves.Select(Weight).ToList();

        if (indicator.Kind == IndicatorKind.Ratio)
        {
            foreach (var leaf in leaves)
            {
                var level = LevelPath(leaf.Code, plan, periods, behaviour, isRatio: true, scale: 1);
                var baseSize = Weight(leaf) * Math.Exp(Between(Math.Log(400), Math.Log(15000), leaf.Code, indicator.Code, "size"))
                    * (leaf.Code == county.Code ? 3 : 1);
                for (var i = 0; i < periods.Count; i++)
                {
                    var p = periods[i];
                    var noise = Between(0, 0.004, leaf.Code, indicator.Code, Key(p), "noise");
                    var up = indicator.Direction == Direction.HigherIsBetter;
                    var ratio = behaviour == CountyProfile.OnTrack
                        ? level[i] + (up ? noise : -noise)
                        : level[i] + Between(-0.006, 0.006, leaf.Code, indicator.Code, Key(p), "noise");
                    ratio = Math.Clamp(ratio, 0, 1);
                    var den = Math.Max(1, (long)Math.Round(baseSize * (1 + 0.01 * i) * (1 + Between(-0.01, 0.01, leaf.Code, indicator.Code, Key(p), "den"))));
                    var num = behaviour == CountyProfile.OnTrack && up
                        ? (long)Math.Ceiling(den * ratio - 1e-9)
                        : behaviour == CountyProfile.OnTrack ? (long)Math.Floor(den * ratio + 1e-9) : (long)Math.Round(den * ratio);
                    num = Math.Clamp(num, 0, den);
                    foreach (var row in WithRevisions(leaf.Code, indicator, p, num, den, null)) yield return row;
                }
            }
            yield break;
        }

        if (indicator.Kind == IndicatorKind.Max)
        {
            // A maximum does not add up: every leaf runs the series itself.
            foreach (var leaf in leaves)
            {
                var level = LevelPath(leaf.Code, plan, periods, behaviour, isRatio: false, scale: 1);
                for (var i = 0; i < periods.Count; i++)
                {
                    var v = Round(level[i], indicator, behaviour);
                    foreach (var row in WithRevisions(leaf.Code, indicator, periods[i], null, null, v)) yield return row;
                }
            }
            yield break;
        }

        // Count and amount: the county's total, split over its leaves by their weights.
        var scale = CountyShare(county, plan.GoverningRegion);
        var totals = plan.Governing.Any(t => t.Kind == TargetKind.Cumulative)
            ? PacedTotals(county.Code, plan, periods, behaviour, scale)
            : LevelPath(county.Code, plan, periods, behaviour, isRatio: false, scale).Select(x => (long)Round(x, indicator, behaviour)).ToArray();
        for (var i = 0; i < periods.Count; i++)
        {
            var parts = Apportion(totals[i], weights);
            for (var j = 0; j < leaves.Count; j++)
            {
                foreach (var row in WithRevisions(leaves[j].Code, indicator, periods[i], null, null, parts[j])) yield return row;
            }
        }
    }

    private static decimal Round(double x, Indicator indicator, CountyProfile behaviour)
    {
        x = Math.Max(0, x);
        var up = indicator.Direction == Direction.HigherIsBetter;
        return behaviour == CountyProfile.OnTrack
            ? (decimal)(up ? Math.Ceiling(x - 1e-9) : Math.Floor(x + 1e-9))
            : (decimal)Math.Round(x);
    }

    /// <summary>The county's share of the governing region's leaves (1 when the county itself sets the target).</summary>
    private double CountyShare(Region county, string governingRegion)
    {
        if (governingRegion == county.Code) return 1;
        var all = catalogue.Leaves(governingRegion).Sum(Weight);
        var own = catalogue.Leaves(county.Code).Sum(Weight);
        return all > 0 ? own / all : 1;
    }

    /// <summary>A leaf's size, 0.5 … 1.5: splits counts and scales denominators.</summary>
    private double Weight(Region leaf) => Between(0.5, 1.5, leaf.Code, "weight");

    private static string Key(PeriodSlot p) => p.Start.DayNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private double Between(double min, double max, params ReadOnlySpan<string> parts) =>
        StableRandom.Between(min, max, seed, parts);

    private static bool Up(Target t) => t.Comparator is Comparator.Ge or Comparator.Gt;

    private static double OnTrackGoal(double v, bool up, bool isRatio, Comparator comparator)
    {
        if (isRatio)
        {
            if (!up) return Math.Max(0, v - RatioMargin);
            return v >= 1 ? 1 : Math.Min(v + RatioMargin, v + (1 - v) * 0.6);
        }
        if (!up) return Math.Max(0, v * 0.9);
        var goal = v * 1.08;
        return comparator == Comparator.Gt && goal <= v ? v + 1 : goal;
    }

    /// <summary>
    /// The level of a series per period, read at each period's last day. On track: from a start level to
    /// the goal by half of each Level/ChangeFromBaseline window, and at the goal from the first period of a
    /// Maintain/Ceiling window. Lagging: a quarter of the way, and short of maintain and ceiling levels.
    /// </summary>
    private double[] LevelPath(string unit, IndicatorPlan plan, List<PeriodSlot> periods, CountyProfile behaviour, bool isRatio, double scale)
    {
        var code = plan.Indicator.Code;
        var higher = plan.Indicator.Direction == Direction.HigherIsBetter;
        var targets = plan.Governing.Where(t => t.Kind != TargetKind.Cumulative).ToList();
        var levelValues = targets.Where(t => t.Kind == TargetKind.Level).Select(t => (double)t.Value * (isRatio ? 1 : scale)).ToList();
        var maintainValues = targets.Where(t => t.Kind is TargetKind.Maintain or TargetKind.Ceiling).Select(t => (double)t.Value * (isRatio ? 1 : scale)).ToList();
        var lagging = behaviour == CountyProfile.Lagging;

        double r0;
        if (isRatio)
        {
            var reference = levelValues.Count > 0 ? (higher ? levelValues.Min() : levelValues.Max())
                : maintainValues.Count > 0 ? (higher ? maintainValues.Min() : maintainValues.Max())
                : Between(0.6, 0.85, unit, code, "r0ref");
            var gap = lagging ? Between(0.15, 0.3, unit, code, "r0") : Between(0.08, 0.25, unit, code, "r0");
            r0 = Math.Clamp(higher ? reference - gap : reference + gap, 0.05, 0.98);
        }
        else
        {
            var reference = levelValues.Concat(maintainValues).DefaultIfEmpty(10 * scale).Max();
            r0 = higher ? reference * Between(0.3, 0.7, unit, code, "r0") : Math.Max(reference, 0) + Between(2, 12, unit, code, "r0") * Math.Max(scale, 0.3);
        }

        var level = Enumerable.Repeat(r0, periods.Count).ToArray();
        foreach (var t in targets)
        {
            var up = Up(t);
            var first = periods.FindIndex(p => p.End >= t.StartDate);
            if (first < 0) continue;
            var v = (double)t.Value * (isRatio ? 1 : scale);
            if (t.Kind == TargetKind.ChangeFromBaseline)
            {
                var baseIndex = t.BaselinePeriod is { } bp ? periods.FindIndex(p => p.Start <= bp && bp <= p.End) : -1;
                var b = level[baseIndex >= 0 ? baseIndex : first];
                v = up ? b + v : b - v;
            }
            if (isRatio) v = Math.Clamp(v, 0, 1);
            if (t.Kind is TargetKind.Maintain or TargetKind.Ceiling)
            {
                if (lagging) continue; // applied after the ramps, below
                var goal = OnTrackGoal(v, up, isRatio, t.Comparator);
                for (var i = first; i < periods.Count; i++) level[i] = up ? Math.Max(level[i], goal) : Math.Min(level[i], goal);
            }
            else
            {
                var b = level[first];
                var span = Math.Max(1, t.Deadline.DayNumber - t.StartDate.DayNumber);
                var goal = lagging ? b + (v - b) * 0.25 : OnTrackGoal(v, up, isRatio, t.Comparator);
                var reach = lagging ? span : span * 0.5;
                for (var i = first; i < periods.Count; i++)
                {
                    var f = Math.Clamp((periods[i].End.DayNumber - t.StartDate.DayNumber) / reach, 0, 1);
                    var candidate = b + (goal - b) * f;
                    level[i] = up ? Math.Max(level[i], candidate) : Math.Min(level[i], candidate);
                }
            }
        }
        if (lagging)
        {
            foreach (var t in targets.Where(t => t.Kind is TargetKind.Maintain or TargetKind.Ceiling))
            {
                var up = Up(t);
                var first = periods.FindIndex(p => p.End >= t.StartDate);
                if (first < 0) continue;
                var v = (double)t.Value * (isRatio ? 1 : scale);
                var shortfall = isRatio ? v - Between(0.06, 0.12, unit, code, t.Id, "short") : v * 0.6;
                var excess = isRatio ? v + Between(0.06, 0.12, unit, code, t.Id, "short") : v + Between(2, 6, unit, code, t.Id, "short") * Math.Max(scale, 0.3);
                for (var i = first; i < periods.Count; i++) level[i] = up ? Math.Min(level[i], shortfall) : Math.Max(level[i], excess);
            }
        }
        return level;
    }

    /// <summary>
    /// Counts against cumulative targets: a pace per period (the window's total plus a margin, spread over
    /// its periods; lagging: under half of it), turned into whole numbers whose running sum never falls
    /// below (on track) or above (lagging) the running pace.
    /// </summary>
    private long[] PacedTotals(string unit, IndicatorPlan plan, List<PeriodSlot> periods, CountyProfile behaviour, double scale)
    {
        var cumulative = plan.Governing.Where(t => t.Kind == TargetKind.Cumulative).ToList();
        var pace = new double[periods.Count];
        var windows = cumulative.Select(t =>
        {
            var inside = periods.Select((p, i) => (p, i)).Where(x => x.p.End >= t.StartDate && x.p.Start <= t.Deadline).Select(x => x.i).ToList();
            var total = OnTrackGoal((double)t.Value * scale, Up(t), isRatio: false, t.Comparator) * 1.02;
            var perPeriod = inside.Count > 0 ? total / inside.Count : 0;
            return (Inside: inside, PerPeriod: perPeriod);
        }).ToList();
        var maxPace = windows.Select(w => w.PerPeriod).DefaultIfEmpty(0).Max();
        for (var i = 0; i < periods.Count; i++)
        {
            var covering = windows.Where(w => w.Inside.Contains(i)).Select(w => w.PerPeriod).ToList();
            pace[i] = covering.Count > 0 ? covering.Max() : maxPace * Between(0.6, 1.0, unit, plan.Indicator.Code, Key(periods[i]), "pace");
        }
        var lagging = behaviour == CountyProfile.Lagging;
        var result = new long[periods.Count];
        double running = 0;
        long emitted = 0;
        for (var i = 0; i < periods.Count; i++)
        {
            running += lagging ? pace[i] * 0.45 : pace[i];
            var target = lagging ? (long)Math.Floor(running + 1e-9) : (long)Math.Ceiling(running - 1e-9);
            result[i] = Math.Max(0, target - emitted);
            emitted += result[i];
        }
        return result;
    }

    /// <summary>Splits a whole total over the leaves in proportion to their weights (largest remainder, ties by order).</summary>
    private static decimal[] Apportion(long total, List<double> weights)
    {
        var sum = weights.Sum();
        var exact = weights.Select(w => total * w / sum).ToList();
        var parts = exact.Select(x => (long)Math.Floor(x)).ToArray();
        var left = total - parts.Sum();
        foreach (var i in exact.Select((x, i) => (Fraction: x - Math.Floor(x), i)).OrderByDescending(x => x.Fraction).ThenBy(x => x.i).Take((int)left).Select(x => x.i))
            parts[i]++;
        return parts.Select(p => (decimal)p).ToArray();
    }

    /// <summary>
    /// The row as first reported a few days after its period ends, and for about 2% of keys a restatement
    /// weeks later: then the first revision carried preliminary numbers and revision 2 the values above.
    /// Nothing is dated after today.
    /// </summary>
    private IEnumerable<FeedRow> WithRevisions(string region, Indicator indicator, PeriodSlot p, long? num, long? den, decimal? value)
    {
        var key = Key(p);
        var first = Stamp(p.End.AddDays(StableRandom.IntBetween(3, 12, seed, region, indicator.Code, key, "updated")),
            StableRandom.IntBetween(0, 570, seed, region, indicator.Code, key, "minute"));
        var restated = StableRandom.Unit(seed, region, indicator.Code, key, "restate") < RestatementShare;
        var second = Stamp(DateOnly.FromDateTime(first.DateTime).AddDays(StableRandom.IntBetween(14, 42, seed, region, indicator.Code, key, "restated")),
            StableRandom.IntBetween(0, 570, seed, region, indicator.Code, key, "minute2"));
        if (!restated || DateOnly.FromDateTime(second.DateTime) >= today)
        {
            yield return new FeedRow(region, indicator.Code, p.Start, indicator.Periodicity, num, den, value, 1, first);
            yield break;
        }
        if (indicator.Kind == IndicatorKind.Ratio)
        {
            var den1 = Math.Max(1, den!.Value - Math.Max(1, den.Value / 50));
            var num1 = Math.Min(den1, (long)Math.Round(num!.Value * 0.97));
            yield return new FeedRow(region, indicator.Code, p.Start, indicator.Periodicity, num1, den1, null, 1, first);
        }
        else
        {
            var v1 = value!.Value + Math.Max(1, Math.Round(value.Value * 0.05m));
            yield return new FeedRow(region, indicator.Code, p.Start, indicator.Periodicity, null, null, v1, 1, first);
        }
        yield return new FeedRow(region, indicator.Code, p.Start, indicator.Periodicity, num, den, value, 2, second);
    }

    /// <summary>A local time on <paramref name="day"/> (08:30 plus <paramref name="minutes"/>), or the start of today when the day is not past.</summary>
    private DateTimeOffset Stamp(DateOnly day, int minutes) => day >= today
        ? new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), SimulatorOptions.Offset)
        : new DateTimeOffset(day.ToDateTime(new TimeOnly(8, 30)).AddMinutes(minutes), SimulatorOptions.Offset);
}
