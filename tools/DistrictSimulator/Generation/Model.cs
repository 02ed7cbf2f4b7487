using System.Globalization;
using Dashboard.Data.Catalogue;

namespace DistrictSimulator.Generation;

/// <summary>How a county's district system behaves in the generated data.</summary>
public enum CountyProfile
{
    /// <summary>Ahead of the methodology's trajectory line on every target.</summary>
    OnTrack,
    /// <summary>Clearly behind: values stagnate or fall short.</summary>
    Lagging,
    /// <summary>Reports nothing at all.</summary>
    Silent,
    /// <summary>Reports like an on-track county, but its rows stop 6 periods before today.</summary>
    Stale,
}

/// <summary>One row of the feed, as the contract names its fields.</summary>
/// <param name="Region">Region code (a leaf under the source's county).</param>
/// <param name="Indicator">Indicator code.</param>
/// <param name="PeriodStart">First day of the period.</param>
/// <param name="Periodicity">The indicator's periodicity (fixes how the period is written).</param>
/// <param name="Numerator">Ratio indicators: the numerator.</param>
/// <param name="Denominator">Ratio indicators: the denominator.</param>
/// <param name="Value">Count, amount and max indicators: the value.</param>
/// <param name="Revision">1, or 2 for a restatement.</param>
/// <param name="UpdatedAt">When the district system changed the row (+08:00).</param>
public sealed record FeedRow(
    string Region, string Indicator, DateOnly PeriodStart, Periodicity Periodicity,
    long? Numerator, long? Denominator, decimal? Value, int Revision, DateTimeOffset UpdatedAt)
{
    /// <summary>The period as the contract writes it: YYYY-MM for months and terms, YYYY for years.</summary>
    public string Period => FormatPeriod(Periodicity, PeriodStart);

    /// <summary>updatedAt as ISO-8601 with its +08:00 offset.</summary>
    public string UpdatedAtText => FormatInstant(UpdatedAt);

    /// <summary>Writes an instant as ISO-8601 with its offset, e.g. 2025-10-08T09:30:00+08:00.</summary>
    public static string FormatInstant(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>Writes a period start as the contract does.</summary>
    public static string FormatPeriod(Periodicity periodicity, DateOnly start) => periodicity == Periodicity.Year
        ? start.Year.ToString("D4", CultureInfo.InvariantCulture)
        : start.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The feed's sort order: (updatedAt, region, indicator, period, revision).</summary>
    public static int CompareFeedOrder(FeedRow? x, FeedRow? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var c = x.UpdatedAt.UtcTicks.CompareTo(y.UpdatedAt.UtcTicks);
        if (c == 0) c = string.CompareOrdinal(x.Region, y.Region);
        if (c == 0) c = string.CompareOrdinal(x.Indicator, y.Indicator);
        if (c == 0) c = string.CompareOrdinal(x.Period, y.Period);
        if (c == 0) c = x.Revision.CompareTo(y.Revision);
        return c;
    }
}

/// <summary>One simulated district system: the education bureau of a county-level region.</summary>
/// <param name="Id">Source id, <c>{countyCode}-edu</c>.</param>
/// <param name="County">The county-level region.</param>
/// <param name="Profile">How it behaves.</param>
/// <param name="Leaves">The regions it reports rows for.</param>
/// <param name="Indicators">The indicators it reports, ordered by code.</param>
/// <param name="Rows">Every row it serves, in feed order.</param>
public sealed record SimulatedSource(
    string Id, Region County, CountyProfile Profile, IReadOnlyList<Region> Leaves, IReadOnlyList<Indicator> Indicators, IReadOnlyList<FeedRow> Rows)
{
    /// <summary>The base path of its feed: <c>/{Id}</c>.</summary>
    public string BasePath => "/" + Id;

    /// <summary>The current truth: per (region, indicator, period) the highest-revision row, ordered by key.</summary>
    public IReadOnlyList<FeedRow> Truth() => Rows
        .GroupBy(r => (r.Region, r.Indicator, r.PeriodStart))
        .Select(g => g.MaxBy(r => r.Revision)!)
        .OrderBy(r => r.Region, StringComparer.Ordinal).ThenBy(r => r.Indicator, StringComparer.Ordinal).ThenBy(r => r.PeriodStart)
        .ToList();
}
