using System.Globalization;
using Dashboard.ClickHouse.Bulk;
using Dashboard.Data.Catalogue;

namespace DataGenerator;

/// <summary>One observation row, in the column order of <see cref="ObservationSource.Columns"/>.</summary>
internal readonly record struct ObservationRow(
    string Region, string Indicator, DateOnly Period, bool IsRatio, long Numerator, long Denominator, long Value,
    uint Revision, string SourceId, string RunId, DateTime UpdatedAt, DateTime LoadedAt);

/// <summary>A slice of the dataset written as one INSERT: one province and one year (current rows), or one province's restatements.</summary>
/// <param name="Province">Province index.</param>
/// <param name="Year">Calendar year of the periods; 0 for every year.</param>
/// <param name="Raw">False: the current row of every key (for observations). True: both revisions of the restated keys only (for observations_raw).</param>
internal sealed record WorkItem(int Province, int Year, bool Raw);

/// <summary>
/// The observations, as a pure function of the dataset and seed: any slice enumerates the same rows whichever
/// process, stream or order produces it. The shape follows tools/DistrictSimulator's FeedGenerator:
/// <list type="bullet">
/// <item>ratios per school: a denominator log-uniform in 400–15,000 times the school's weight (0.5–1.5), growing
/// 1% a month with ±1% noise; the ratio on the county profile's level path toward the governing target (on track:
/// the goal by half the window, noise ≤ 0.004 on the good side; lagging: a quarter of the way, ±0.006);</item>
/// <item>counts as the county's series split over its schools by weight (stochastic rounding with a fixed offset
/// per school, so a county's sum stays within a few units of its series; cumulative targets paced per month);</item>
/// <item>about 2% of keys restated: revision 1 preliminary (ratio denominator −2%, numerator −3%; counts +5%),
/// revision 2 the values above, 14–42 days later; first reports 3–12 days after the period ends.</item>
/// </list>
/// </summary>
internal sealed class ObservationSource
{
    public static readonly string[] Columns =
        ["region_code", "indicator_code", "period", "numerator", "denominator", "value", "revision", "source_id", "run_id", "updated_at", "loaded_at"];

    public const double RestatementShare = 0.02;
    private static readonly TimeSpan Offset = TimeSpan.FromHours(8); // district systems stamp local time (UTC+8)

    private readonly Dataset _data;
    private readonly ulong _seed;
    private readonly DateOnly[] _periods;
    private readonly int[] _endDay;
    private readonly DateOnly _today;
    private readonly string[] _sourceIds;
    private readonly string[] _runIds; // [county * months * 2 + month * 2 + revision - 1]
    private readonly Plan[] _plans;    // [county * indicators + indicator]

    private sealed record Plan(Target? Target, bool Lagging, double[]? Series, bool Cumulative);

    public ObservationSource(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        _seed = (ulong)data.Options.Seed;
        var months = data.Options.Months;
        _periods = Enumerable.Range(0, months).Select(m => GeneratorOptions.First.AddMonths(m)).ToArray();
        _endDay = _periods.Select(p => p.AddMonths(1).AddDays(-1).DayNumber).ToArray();
        // "Today" for the stamps: mid-month after the last period, so its reports have arrived.
        _today = data.Options.Until.AddMonths(1).AddDays(14);
        _sourceIds = data.Counties.Select(c => c.Code + "-gen").ToArray();
        _runIds = new string[data.Counties.Count * months * 2];
        for (var c = 0; c < data.Counties.Count; c++)
            for (var m = 0; m < months; m++)
                for (var r = 0; r < 2; r++)
                    _runIds[(c * months + m) * 2 + r] = Mix.Hash(_seed, 21, (ulong)((c * months + m) * 2 + r)).ToString("x16", CultureInfo.InvariantCulture)
                        + Mix.Hash(_seed, 22, (ulong)((c * months + m) * 2 + r)).ToString("x16", CultureInfo.InvariantCulture);
        var n = data.Indicators.Count;
        _plans = new Plan[data.Counties.Count * n];
        foreach (var county in data.Counties)
            for (var i = 0; i < n; i++)
                _plans[county.Index * n + i] = MakePlan(county, i);
    }

    /// <summary>Rows every current-row slice holds: schools × indicators × months.</summary>
    public long CurrentRows => (long)_data.Schools.Count * _data.Indicators.Count * _periods.Length;

    /// <summary>The slices: one per province and year for observations, one per province for observations_raw.</summary>
    public IReadOnlyList<WorkItem> Items()
    {
        var items = new List<WorkItem>();
        for (var p = 0; p < _data.ProvinceCodes.Count; p++)
            for (var y = GeneratorOptions.First.Year; y <= _data.Options.Until.Year; y++)
                items.Add(new WorkItem(p, y, Raw: false));
        for (var p = 0; p < _data.ProvinceCodes.Count; p++) items.Add(new WorkItem(p, 0, Raw: true));
        return items;
    }

    /// <summary>Writes one row in column order without boxing (integers are exact in Decimal(18, 4) columns).</summary>
    public static void Map(ObservationRow o, ClickHouseRowWriter w)
    {
        w.String(o.Region).String(o.Indicator).Date(o.Period);
        if (o.IsRatio) w.Int64(o.Numerator).Int64(o.Denominator).Null();
        else w.Null().Null().Int64(o.Value);
        w.UInt64(o.Revision).String(o.SourceId).String(o.RunId).DateTime(o.UpdatedAt).DateTime(o.LoadedAt);
    }

    /// <summary>
    /// The rows of one slice, ordered indicator, school, month (the table's sort order, so the server's sort of
    /// each block is cheap, and every block falls into one year partition).
    /// </summary>
    public IEnumerable<ObservationRow> Rows(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var (start, count) = _data.ProvinceSchools[item.Province];
        var firstMonth = item.Year == 0 ? 0 : Math.Max(0, (item.Year - GeneratorOptions.First.Year) * 12);
        var lastMonth = item.Year == 0 ? _periods.Length - 1 : Math.Min(_periods.Length - 1, firstMonth + 11);
        var n = _data.Indicators.Count;
        for (var i = 0; i < n; i++)
        {
            var indicator = _data.Indicators[i];
            for (var s = start; s < start + count; s++)
            {
                var school = _data.Schools[s];
                var county = _data.Counties[school.County];
                var plan = _plans[county.Index * n + i];
                var key = Mix.Hash(_seed, (ulong)s + 1, (ulong)i + 1);
                var shape = indicator.Kind == IndicatorKind.Ratio ? RatioShape(plan, indicator, key, school) : default;
                for (var m = firstMonth; m <= lastMonth; m++)
                {
                    var h = Mix.Hash(key ^ ((ulong)m + 1) * 0x9E3779B97F4A7C15UL);
                    var restated = Mix.Unit(Mix.Hash(h + 3)) < RestatementShare;
                    if (item.Raw && !restated) continue;
                    long num = 0, den = 0, value = 0;
                    if (indicator.Kind == IndicatorKind.Ratio) (num, den) = Ratio(shape, plan, indicator, m, h);
                    else value = Count(plan, school, county, i, m);
                    var first = Stamp(DateOnly.FromDayNumber(_endDay[m]).AddDays(Mix.IntBetween(3, 12, Mix.Hash(h + 4))), Mix.IntBetween(0, 570, Mix.Hash(h + 5)));
                    var firstLocalDay = DateOnly.FromDateTime(first + Offset);
                    var second = Stamp(firstLocalDay.AddDays(Mix.IntBetween(14, 42, Mix.Hash(h + 6))), Mix.IntBetween(0, 570, Mix.Hash(h + 7)));
                    // Nothing is restated after "today": those keys have only their first report so far.
                    restated = restated && DateOnly.FromDateTime(second + Offset) < _today;
                    var delay = TimeSpan.FromSeconds(Mix.IntBetween(60, 7200, Mix.Hash(h + 8)));
                    var runs = (county.Index * _periods.Length + m) * 2;
                    if (item.Raw)
                    {
                        if (!restated) continue;
                        var (num1, den1, v1) = Preliminary(indicator, num, den, value);
                        yield return new(school.Code, indicator.Code, _periods[m], indicator.Kind == IndicatorKind.Ratio, num1, den1, v1, 1, _sourceIds[county.Index], _runIds[runs], first, first + delay);
                        yield return new(school.Code, indicator.Code, _periods[m], indicator.Kind == IndicatorKind.Ratio, num, den, value, 2, _sourceIds[county.Index], _runIds[runs + 1], second, second + delay);
                    }
                    else if (restated)
                    {
                        yield return new(school.Code, indicator.Code, _periods[m], indicator.Kind == IndicatorKind.Ratio, num, den, value, 2, _sourceIds[county.Index], _runIds[runs + 1], second, second + delay);
                    }
                    else
                    {
                        yield return new(school.Code, indicator.Code, _periods[m], indicator.Kind == IndicatorKind.Ratio, num, den, value, 1, _sourceIds[county.Index], _runIds[runs], first, first + delay);
                    }
                }
            }
        }
    }

    // The simulator's preliminary first revision of a restated key.
    private static (long Num, long Den, long Value) Preliminary(Indicator indicator, long num, long den, long value)
    {
        if (indicator.Kind != IndicatorKind.Ratio) return (0, 0, value + Math.Max(1, (long)Math.Round(value * 0.05)));
        var den1 = Math.Max(1, den - Math.Max(1, den / 50));
        return (Math.Min(den1, (long)Math.Round(num * 0.97)), den1, 0);
    }

    /// <summary>08:30 local plus <paramref name="minutes"/> on <paramref name="day"/>, as UTC; the start of today when the day is not past.</summary>
    private DateTime Stamp(DateOnly day, int minutes)
    {
        var local = day >= _today ? _today.ToDateTime(TimeOnly.MinValue) : day.ToDateTime(new TimeOnly(8, 30)).AddMinutes(minutes);
        return DateTime.SpecifyKind(local - Offset, DateTimeKind.Utc);
    }

    // ---- ratios -------------------------------------------------------------------------------------------

    private enum PathKind { Flat, Ramp, Floor }

    /// <summary>A school's ratio series: start level, goal and how it gets there.</summary>
    private readonly record struct Shape(double R0, double Goal, PathKind Kind, int StartDay, double Reach, double BaseSize);

    private static Shape RatioShape(Plan plan, Indicator indicator, ulong key, School school)
    {
        var up = indicator.Direction == Direction.HigherIsBetter;
        var t = plan.Target;
        var reference = t is not null && t.Kind is TargetKind.Level or TargetKind.Maintain
            ? (double)t.Value
            : up ? Mix.Between(0.6, 0.85, Mix.Hash(key + 11)) : Mix.Between(0.03, 0.2, Mix.Hash(key + 11));
        var gap = plan.Lagging ? Mix.Between(0.15, 0.3, Mix.Hash(key + 12)) : Mix.Between(0.08, 0.25, Mix.Hash(key + 12));
        var r0 = Math.Clamp(up ? reference - gap : reference + gap, 0.05, 0.98);
        var baseSize = school.Weight * Math.Exp(Mix.Between(Math.Log(400), Math.Log(15000), Mix.Hash(key + 13)));
        if (t is null) return new(r0, r0, PathKind.Flat, 0, 1, baseSize);
        var v = (double)t.Value;
        if (t.Kind == TargetKind.ChangeFromBaseline) v = up ? r0 + v : r0 - v; // the baseline period is the window's first: level r0
        v = Math.Clamp(v, 0, 1);
        var start = t.StartDate.DayNumber;
        if (t.Kind is TargetKind.Maintain or TargetKind.Ceiling)
        {
            var goal = plan.Lagging
                ? (up ? v - Mix.Between(0.06, 0.12, Mix.Hash(key + 14)) : v + Mix.Between(0.06, 0.12, Mix.Hash(key + 14)))
                : OnTrackGoal(v, up);
            return new(r0, goal, PathKind.Floor, start, 1, baseSize);
        }
        var span = Math.Max(1, t.Deadline.DayNumber - start);
        return new(r0, plan.Lagging ? r0 + (v - r0) * 0.25 : OnTrackGoal(v, up), PathKind.Ramp, start, plan.Lagging ? span : span * 0.5, baseSize);
    }

    private static double OnTrackGoal(double v, bool up) =>
        !up ? Math.Max(0, v - 0.03) : v >= 1 ? 1 : Math.Min(v + 0.03, v + (1 - v) * 0.6);

    private (long Num, long Den) Ratio(in Shape shape, Plan plan, Indicator indicator, int m, ulong h)
    {
        var up = indicator.Direction == Direction.HigherIsBetter;
        var level = shape.Kind switch
        {
            PathKind.Ramp => shape.R0 + (shape.Goal - shape.R0) * Math.Clamp((_endDay[m] - shape.StartDay) / shape.Reach, 0, 1),
            // Maintain: on track, at least the goal from the window's first period; lagging, held short of it.
            PathKind.Floor when _endDay[m] >= shape.StartDay => plan.Lagging
                ? (up ? Math.Min(shape.R0, shape.Goal) : Math.Max(shape.R0, shape.Goal))
                : (up ? Math.Max(shape.R0, shape.Goal) : Math.Min(shape.R0, shape.Goal)),
            _ => shape.R0,
        };
        var ratio = plan.Lagging
            ? level + Mix.Between(-0.006, 0.006, Mix.Hash(h + 1))
            : level + (up ? 1 : -1) * Mix.Between(0, 0.004, Mix.Hash(h + 1));
        ratio = Math.Clamp(ratio, 0, 1);
        var den = Math.Max(1, (long)Math.Round(shape.BaseSize * (1 + 0.01 * m) * (1 + Mix.Between(-0.01, 0.01, Mix.Hash(h + 2)))));
        var num = plan.Lagging ? (long)Math.Round(den * ratio)
            : up ? (long)Math.Ceiling(den * ratio - 1e-9) : (long)Math.Floor(den * ratio + 1e-9);
        return (Math.Clamp(num, 0, den), den);
    }

    // ---- counts -------------------------------------------------------------------------------------------

    private long Count(Plan plan, School school, County county, int indicator, int m)
    {
        var share = school.Weight / county.Weight;
        var offset = Mix.Unit(Mix.Hash(_seed, 13, ((ulong)school.Index << 8) | (uint)indicator));
        var series = plan.Series!;
        if (!plan.Cumulative) return (long)Math.Floor(Math.Max(0, series[m]) * share + offset);
        // Cumulative: the school's share of the county's running total, differenced, so sums over any window telescope.
        var before = m == 0 ? 0 : Math.Floor(series[m - 1] * share + offset);
        return (long)(Math.Floor(series[m] * share + offset) - before);
    }

    private Plan MakePlan(County county, int i)
    {
        var indicator = _data.Indicators[i];
        var target = _data.Governing(county, i);
        if (indicator.Kind == IndicatorKind.Ratio) return new Plan(target, county.Lagging, null, false);
        var key = Mix.Hash(_seed, 31, ((ulong)county.Index << 8) | (uint)i);
        var months = _periods.Length;
        var series = new double[months];
        if (target is null)
        {
            // A stock (pupils, teachers, classrooms): a county total growing 0.5% a month, ±2% noise.
            var baseTotal = county.Weight * Math.Exp(Mix.Between(Math.Log(20), Math.Log(800), Mix.Hash(key)));
            for (var m = 0; m < months; m++) series[m] = baseTotal * (1 + 0.005 * m) * (1 + Mix.Between(-0.02, 0.02, Mix.Hash(key, (ulong)m)));
            return new Plan(null, county.Lagging, series, false);
        }
        var scale = _data.Scale(county, target);
        if (target.Kind == TargetKind.Cumulative)
        {
            // The simulator's pacing: the window's total plus a margin spread over its periods (lagging: 45% of it).
            var inside = Enumerable.Range(0, months).Where(m => _endDay[m] >= target.StartDate.DayNumber && _periods[m] <= target.Deadline).ToList();
            var pace = inside.Count > 0 ? (double)target.Value * scale * 1.08 * 1.02 / inside.Count : 0;
            double running = 0;
            for (var m = 0; m < months; m++)
            {
                var p = inside.Contains(m) ? pace : pace * Mix.Between(0.6, 1.0, Mix.Hash(key, (ulong)m));
                running += county.Lagging ? p * 0.45 : p;
                series[m] = running;
            }
            return new Plan(target, county.Lagging, series, true);
        }
        // Ceiling (oversized classes): a few per county before the window; on track, none from its start.
        var r0 = Mix.Between(0.02, 0.12, Mix.Hash(key)) * county.Weight;
        var goal = Math.Max(0, (double)target.Value * scale * 0.9);
        for (var m = 0; m < months; m++)
            series[m] = !county.Lagging && _endDay[m] >= target.StartDate.DayNumber ? goal : r0;
        return new Plan(target, county.Lagging, series, false);
    }
}
