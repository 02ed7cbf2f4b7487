using Dashboard.Data.Catalogue;
using Dashboard.Data.Periods;

namespace Dashboard.Data.Scorecard;

/// <summary>
/// Methodology §5 for one (region, target) pair, given the region's rolled-up series. Pure: all
/// aggregation happened in ClickHouse; this finishes the small per-pair result. Each step names the
/// sentence of the methodology it implements.
/// </summary>
internal static class TargetEvaluator
{
    private const int Decimals = 6;

    public static ScorecardRow Evaluate(
        Region region, Target target, Indicator indicator, bool inherited,
        IReadOnlyList<PeriodValue> series, DateOnly asOf, ScorecardOptions options, RatingOverride? rating)
    {
        var per = indicator.Periodicity;
        var s = target.StartDate;
        var d = target.Deadline;

        // "a period counts as ≤ T when its first day is ≤ T"
        var known = series.Where(p => p.Start <= asOf).OrderBy(p => p.Start).ToList();
        // "inside a window [S, D] when it overlaps it (its last day ≥ S and its first day ≤ D)"
        bool InWindow(PeriodValue p) => PeriodCalendar.End(per, p.Start) >= s && p.Start <= d;

        var latest = known.Count > 0 ? known[^1] : null;
        // "stale: more than the freshness window of the indicator's periods lie between the latest period
        // with data and the period containing T"
        var stale = latest is not null && PeriodCalendar.Index(per, asOf) - PeriodCalendar.Index(per, latest.Start) > options.FreshnessPeriods;

        // Baseline: the value at the baseline period; without one (or without data there), the value of
        // the earliest period with data that ends on or after S.
        decimal? b = null;
        var fallback = false;
        if (target.BaselinePeriod is { } bp)
        {
            var bpStart = PeriodCalendar.Start(per, bp);
            b = known.FirstOrDefault(p => p.Start == bpStart)?.Value;
        }
        if (b is null)
        {
            b = known.FirstOrDefault(p => PeriodCalendar.End(per, p.Start) >= s)?.Value;
            fallback = b is not null && target.BaselinePeriod is not null;
        }

        // "change from baseline: the target value v is baseline + delta"
        decimal? v = target.Kind == TargetKind.ChangeFromBaseline ? b + target.Value : target.Value;

        var row = new ScorecardRow
        {
            RegionCode = region.Code,
            RegionName = region.Name,
            TargetId = target.Id,
            TargetVersion = target.Version,
            TargetRegionCode = target.RegionCode,
            IndicatorCode = target.IndicatorCode,
            AsOf = asOf,
            Deadline = d,
            Inherited = inherited,
            Status = ScorecardStatus.NoData,
            TargetValue = v,
            Baseline = b,
            BaselineFallback = fallback,
            Stale = stale,
            LatestPeriod = latest?.Start,
            Override = rating,
        };
        if (v is not { } targetValue) return row; // a change from baseline without any baseline data cannot be judged

        // Relative shortfall: s / |v − b|, or s / |v| when v = b, or s when both are 0. A cumulative target
        // starts from nothing, so its baseline is 0.
        var bForR = target.Kind == TargetKind.Cumulative ? 0m : b;
        decimal Relative(decimal shortfall) =>
            bForR is { } bv && targetValue != bv ? shortfall / Math.Abs(targetValue - bv)
            : targetValue != 0 ? shortfall / Math.Abs(targetValue)
            : shortfall;
        decimal Shortfall(decimal expected, decimal actual) => indicator.Direction == Direction.HigherIsBetter ? expected - actual : actual - expected;

        // Deadline passed: Met or Missed, judged on the value at the latest period ≤ D with data
        // (cumulative: the window's sum; maintain and ceiling: every period of the window with data).
        if (asOf >= d)
        {
            var upToD = known.Where(p => p.Start <= d).ToList();
            switch (target.Kind)
            {
                case TargetKind.Cumulative:
                {
                    var window = upToD.Where(InWindow).ToList();
                    if (window.Count == 0) return row;
                    var sum = window.Sum(p => p.Value);
                    return Judged(row, sum, window[^1], target.Satisfied(sum, targetValue), targetValue, Relative(Shortfall(targetValue, sum)));
                }
                case TargetKind.Maintain or TargetKind.Ceiling:
                {
                    var window = upToD.Where(InWindow).ToList();
                    if (window.Count == 0) return row;
                    var worst = indicator.Direction == Direction.HigherIsBetter ? window.Min(p => p.Value) : window.Max(p => p.Value);
                    return Judged(row, window[^1].Value, window[^1], window.TrueForAll(p => target.Satisfied(p.Value, targetValue)), targetValue,
                        Relative(Shortfall(targetValue, worst)));
                }
                default:
                {
                    if (upToD.Count == 0) return row;
                    var judged = upToD[^1];
                    return Judged(row, judged.Value, judged, target.Satisfied(judged.Value, targetValue), targetValue,
                        Relative(Shortfall(targetValue, judged.Value)));
                }
            }
        }

        // Before the deadline. Actual a: the value at the latest period ≤ T with data (cumulative: Σ over
        // the window's periods ≤ T). No data: NoData, never red.
        decimal a;
        PeriodValue actualPeriod;
        List<PeriodValue> windowSoFar = [];
        if (target.Kind == TargetKind.Cumulative)
        {
            windowSoFar = known.Where(InWindow).ToList();
            if (windowSoFar.Count == 0) return row;
            a = windowSoFar.Sum(p => p.Value);
            actualPeriod = windowSoFar[^1];
        }
        else
        {
            if (latest is null) return row;
            a = latest.Value;
            actualPeriod = latest;
        }

        // Trajectory. "Fractions of time are day counts"; the elapsed share is held within [0, 1] so an
        // as-of date before the start expects the baseline, not less.
        var span = d.DayNumber - s.DayNumber;
        var share = span <= 0 ? 1m : Math.Clamp((decimal)(asOf.DayNumber - s.DayNumber) / span, 0m, 1m);
        var e = target.Kind switch
        {
            TargetKind.Cumulative => targetValue * share,
            TargetKind.Maintain or TargetKind.Ceiling => targetValue,
            _ => b is { } bl ? bl + (targetValue - bl) * share : targetValue,
        };

        var shortfall = Shortfall(e, a);
        var r = Relative(shortfall);

        var satisfied = target.Satisfied(a, targetValue);
        var status = satisfied || shortfall <= 0 ? ScorecardStatus.Green
                   : r <= options.AmberGreenMax ? ScorecardStatus.AmberGreen
                   : r <= options.AmberRedMax ? ScorecardStatus.AmberRed
                   : ScorecardStatus.Red;

        var forecast = target.Kind == TargetKind.Cumulative
            ? CumulativeForecast(windowSoFar, a, per, d, options)
            : LinearForecast(known, a, d, options);

        return row with
        {
            Actual = Round(a),
            ActualPeriod = actualPeriod.Start,
            LoadedAt = actualPeriod.LoadedAt,
            Expected = Round(e),
            RelativeShortfall = Round(r),
            Status = status,
            Forecast = Round(forecast),
            WillMiss = !target.Satisfied(forecast, targetValue),
        };
    }

    // After the deadline the expected value is the target itself; r measures how far the judged value
    // (for maintain and ceiling: the worst period of the window) fell short of it, to rank Missed rows.
    private static ScorecardRow Judged(ScorecardRow row, decimal actual, PeriodValue period, bool met, decimal v, decimal r) => row with
    {
        Actual = Round(actual),
        RelativeShortfall = Round(r),
        ActualPeriod = period.Start,
        LoadedAt = period.LoadedAt,
        Expected = Round(v),
        Forecast = Round(actual),
        Status = met ? ScorecardStatus.Met : ScorecardStatus.Missed,
    };

    // "a least-squares line (value against day number) through the last up to six periods with data,
    // read at D; with fewer than three points the forecast is a." A period's day number is its first day.
    private static decimal LinearForecast(List<PeriodValue> known, decimal a, DateOnly deadline, ScorecardOptions options)
    {
        var points = known.TakeLast(options.ForecastPoints).ToList();
        if (points.Count < options.ForecastMinPoints) return a;
        double n = points.Count, sx = 0, sy = 0, sxx = 0, sxy = 0;
        var x0 = points[0].Start.DayNumber; // centred for numerical stability
        foreach (var p in points)
        {
            double x = p.Start.DayNumber - x0, y = (double)p.Value;
            sx += x; sy += y; sxx += x * x; sxy += x * y;
        }
        var denominator = n * sxx - sx * sx;
        if (denominator == 0) return a;
        var slope = (n * sxy - sx * sy) / denominator;
        var intercept = (sy - slope * sx) / n;
        return (decimal)(intercept + slope * (deadline.DayNumber - x0));
    }

    // "For cumulative targets: the sum so far plus the mean of the last up to six period values times
    // the number of periods left until D." Periods left: after the latest period summed, up to and
    // including the period that contains D.
    private static decimal CumulativeForecast(List<PeriodValue> window, decimal sum, Periodicity per, DateOnly deadline, ScorecardOptions options)
    {
        var last = window.TakeLast(options.ForecastPoints).ToList();
        var mean = last.Average(p => p.Value);
        var left = Math.Max(0, PeriodCalendar.Index(per, deadline) - PeriodCalendar.Index(per, window[^1].Start));
        return sum + mean * left;
    }

    private static decimal Round(decimal x) => Math.Round(x, Decimals, MidpointRounding.AwayFromZero);
}
