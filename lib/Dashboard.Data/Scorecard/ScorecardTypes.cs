using Dashboard.Data.Catalogue;

namespace Dashboard.Data.Scorecard;

/// <summary>The judgement of one region against one target (methodology §5).</summary>
public enum ScorecardStatus
{
    /// <summary>On track or already satisfied.</summary>
    Green,
    /// <summary>Behind by at most the first threshold (default 10%) of the distance to cover.</summary>
    AmberGreen,
    /// <summary>Behind by at most the second threshold (default 25%).</summary>
    AmberRed,
    /// <summary>Further behind.</summary>
    Red,
    /// <summary>Deadline passed and the target was met.</summary>
    Met,
    /// <summary>Deadline passed and the target was missed.</summary>
    Missed,
    /// <summary>No data to judge on (grey, never red).</summary>
    NoData,
}

/// <summary>Thresholds and windows of the methodology that are configuration.</summary>
public sealed class ScorecardOptions
{
    /// <summary>Relative shortfall up to which a region is AmberGreen (default 0.10).</summary>
    public decimal AmberGreenMax { get; set; } = 0.10m;

    /// <summary>Relative shortfall up to which a region is AmberRed (default 0.25).</summary>
    public decimal AmberRedMax { get; set; } = 0.25m;

    /// <summary>Periods that may lie between the latest data and the period containing the as-of date before data is Stale (default 2).</summary>
    public int FreshnessPeriods { get; set; } = 2;

    /// <summary>Periods the forecast line is fitted through, at most (default 6).</summary>
    public int ForecastPoints { get; set; } = 6;

    /// <summary>Fewest points for a fitted forecast; with fewer the forecast is the actual (default 3).</summary>
    public int ForecastMinPoints { get; set; } = 3;

    /// <summary>Judge schools too (default false: schools' data rolls up into their town, which is judged).</summary>
    public bool JudgeSchools { get; set; }

    /// <summary>How long a materialised scorecard (<see cref="ScorecardResultStore"/>) is reused for the same roots and as-of date, in seconds.</summary>
    public int ResultCacheSeconds { get; set; } = 60;

    /// <summary>How many days materialised scorecards are kept before their daily partition is dropped.</summary>
    public int ResultRetentionDays { get; set; } = 2;
}

/// <summary>An inspector's override, kept beside the computed rating, never instead of it.</summary>
/// <param name="Status">The status the inspector judges right.</param>
/// <param name="Reason">The written reason (required).</param>
/// <param name="Author">Who overrode.</param>
/// <param name="CreatedAt">When (UTC).</param>
/// <param name="ValidFrom">The first as-of date the override applies to.</param>
public sealed record RatingOverride(ScorecardStatus Status, string Reason, string Author, DateTime CreatedAt, DateOnly ValidFrom);

/// <summary>One region's value of one indicator for one period.</summary>
/// <param name="Start">First day of the period.</param>
/// <param name="Value">The rolled-up value (ratio of sums, sum or max).</param>
/// <param name="LoadedAt">Latest load time of the observations behind it (UTC).</param>
public sealed record PeriodValue(DateOnly Start, decimal Value, DateTime LoadedAt);

/// <summary>A row of the scorecard: a region judged against a target as of a date.</summary>
public sealed record ScorecardRow
{
    /// <summary>The region judged.</summary>
    public required string RegionCode { get; init; }
    /// <summary>The region's Chinese name.</summary>
    public required string RegionName { get; init; }
    /// <summary>The target (current version).</summary>
    public required string TargetId { get; init; }
    /// <summary>The target's version the row was judged on.</summary>
    public required uint TargetVersion { get; init; }
    /// <summary>The region the target is set for (the judged region itself unless inherited).</summary>
    public required string TargetRegionCode { get; init; }
    /// <summary>The indicator.</summary>
    public required string IndicatorCode { get; init; }
    /// <summary>The as-of date.</summary>
    public required DateOnly AsOf { get; init; }
    /// <summary>The actual value a (cumulative: the window's sum so far); null without data.</summary>
    public decimal? Actual { get; init; }
    /// <summary>First day of the period the actual value comes from (cumulative: the latest one summed).</summary>
    public DateOnly? ActualPeriod { get; init; }
    /// <summary>The expected value e on the trajectory (the target value once the deadline passed).</summary>
    public decimal? Expected { get; init; }
    /// <summary>The target value v (for a change from baseline: baseline + delta).</summary>
    public decimal? TargetValue { get; init; }
    /// <summary>The deadline.</summary>
    public required DateOnly Deadline { get; init; }
    /// <summary>The baseline value b, when one was found.</summary>
    public decimal? Baseline { get; init; }
    /// <summary>True when the baseline came from the fallback (earliest period with data ending on or after the start).</summary>
    public bool BaselineFallback { get; init; }
    /// <summary>The forecast value at the deadline.</summary>
    public decimal? Forecast { get; init; }
    /// <summary>The relative shortfall r (positive = behind).</summary>
    public decimal? RelativeShortfall { get; init; }
    /// <summary>The computed status.</summary>
    public required ScorecardStatus Status { get; init; }
    /// <summary>The latest data is older than the freshness window allows.</summary>
    public bool Stale { get; init; }
    /// <summary>The forecast fails the target.</summary>
    public bool WillMiss { get; init; }
    /// <summary>The target is an ancestor's, applied to this region because it has none of its own for the indicator.</summary>
    public required bool Inherited { get; init; }
    /// <summary>First day of the latest period with data as of the as-of date.</summary>
    public DateOnly? LatestPeriod { get; init; }
    /// <summary>Latest load time of the data behind the actual value (UTC).</summary>
    public DateTime? LoadedAt { get; init; }
    /// <summary>The inspector's override, shown beside the computed status.</summary>
    public RatingOverride? Override { get; init; }

    /// <summary>Missed, Red or AmberRed (methodology §5).</summary>
    public bool IsLagging => Status is ScorecardStatus.Missed or ScorecardStatus.Red or ScorecardStatus.AmberRed;
}

/// <summary>A city's scorecard as of a date.</summary>
/// <param name="RootRegionCode">The region whose subtree was judged.</param>
/// <param name="AsOf">The as-of date.</param>
/// <param name="Rows">Every applicable (region, target) pair, ordered by region code then target id.</param>
public sealed record Scorecard(string RootRegionCode, DateOnly AsOf, IReadOnlyList<ScorecardRow> Rows)
{
    /// <summary>Lagging rows ranked: Missed, then Red, then AmberRed, each by relative shortfall, largest first.</summary>
    public IReadOnlyList<ScorecardRow> Lagging => Rows
        .Where(r => r.IsLagging)
        .OrderBy(r => r.Status switch { ScorecardStatus.Missed => 0, ScorecardStatus.Red => 1, _ => 2 })
        .ThenByDescending(r => r.RelativeShortfall ?? decimal.MinValue)
        .ThenBy(r => r.RegionCode, StringComparer.Ordinal)
        .ThenBy(r => r.TargetId, StringComparer.Ordinal)
        .ToList();
}
