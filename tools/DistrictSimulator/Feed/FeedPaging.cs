using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DistrictSimulator.Generation;

namespace DistrictSimulator.Feed;

/// <summary>
/// A position in the feed order: the key of the last row a page returned. The next page starts right after
/// it, so a cursor never shifts while the data and <c>since</c> stay the same.
/// </summary>
public sealed record FeedCursor(long UtcTicks, string Region, string Indicator, string Period, int Revision)
{
    private const string Version = "c1";

    /// <summary>The cursor after <paramref name="row"/>.</summary>
    public static FeedCursor After(FeedRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.UpdatedAt.UtcTicks, row.Region, row.Indicator, row.Period, row.Revision);
    }

    /// <summary>The opaque form: base64url of the key.</summary>
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\n',
        Version, UtcTicks.ToString(CultureInfo.InvariantCulture), Region, Indicator, Period, Revision.ToString(CultureInfo.InvariantCulture))));

    /// <summary>Reads an opaque cursor; null when it is not one this server made.</summary>
    public static FeedCursor? TryDecode(string text)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('\n');
            if (parts.Length != 6 || parts[0] != Version) return null;
            if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)) return null;
            if (!int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var revision)) return null;
            return new FeedCursor(ticks, parts[2], parts[3], parts[4], revision);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Orders a row against this position (positive: the row comes after it).</summary>
    public int CompareRow(FeedRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var c = row.UpdatedAt.UtcTicks.CompareTo(UtcTicks);
        if (c == 0) c = string.CompareOrdinal(row.Region, Region);
        if (c == 0) c = string.CompareOrdinal(row.Indicator, Indicator);
        if (c == 0) c = string.CompareOrdinal(row.Period, Period);
        if (c == 0) c = row.Revision.CompareTo(Revision);
        return c;
    }
}

/// <summary>One page of a source's feed.</summary>
/// <param name="Rows">The rows, in feed order.</param>
/// <param name="Next">The cursor of the next page; null on the last page.</param>
public sealed record FeedPage(IReadOnlyList<FeedRow> Rows, string? Next);

/// <summary>The query of a feed request, parsed.</summary>
/// <param name="Since">Rows with updatedAt ≥ since; null for all.</param>
/// <param name="Cursor">Where the page starts; null for the first page.</param>
/// <param name="Limit">Page size after the cap.</param>
public sealed partial record FeedQuery(DateTimeOffset? Since, FeedCursor? Cursor, int Limit)
{
    /// <summary>Page size when the request names none.</summary>
    public const int DefaultLimit = 500;

    /// <summary>The largest page served.</summary>
    public const int MaxLimit = 5000;

    /// <summary>Parses since, cursor and limit; returns an error message instead when one is not valid.</summary>
    public static (FeedQuery? Query, string? Error) Parse(string? since, string? cursor, string? limit)
    {
        DateTimeOffset? sinceValue = null;
        if (!string.IsNullOrWhiteSpace(since))
        {
            sinceValue = ParseInstant(since);
            if (sinceValue is null) return (null, $"since must be an ISO-8601 instant such as 2025-10-08T09:30:00+08:00; got '{since}'.");
        }
        FeedCursor? cursorValue = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            cursorValue = FeedCursor.TryDecode(cursor);
            if (cursorValue is null) return (null, "cursor is not a cursor this feed issued.");
        }
        var limitValue = DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit))
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out limitValue) || limitValue < 1)
                return (null, $"limit must be a positive integer; got '{limit}'.");
            limitValue = Math.Min(limitValue, MaxLimit);
        }
        return (new FeedQuery(sinceValue, cursorValue, limitValue), null);
    }

    /// <summary>
    /// An ISO-8601 instant. Without an offset it is read as +08:00 (the districts' local time); a space in
    /// place of the offset's '+' (an unencoded '+' in a query string) is read as '+'; a date alone is its midnight.
    /// </summary>
    public static DateTimeOffset? ParseInstant(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (SpaceForPlus().IsMatch(text)) text = SpaceForPlus().Replace(text, "+$1");
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), SimulatorOptions.Offset);
        if (!text.Contains('T', StringComparison.Ordinal)) return null;
        if (HasOffset().IsMatch(text))
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) ? instant : null;
        }
        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), SimulatorOptions.Offset)
            : null;
    }

    /// <summary>The page of <paramref name="rows"/> (in feed order) this query asks for.</summary>
    public FeedPage Page(IReadOnlyList<FeedRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var start = 0;
        if (Since is { } since)
        {
            var ticks = since.UtcTicks;
            start = LowerBound(rows, r => r.UpdatedAt.UtcTicks >= ticks);
        }
        if (Cursor is { } cursor) start = Math.Max(start, LowerBound(rows, r => cursor.CompareRow(r) > 0));
        var end = Math.Min(rows.Count, start + Limit);
        var page = new List<FeedRow>(end - start);
        for (var i = start; i < end; i++) page.Add(rows[i]);
        var next = end < rows.Count && page.Count > 0 ? FeedCursor.After(page[^1]).Encode() : null;
        return new FeedPage(page, next);
    }

    /// <summary>The rows a file download (no paging) holds: every row with updatedAt ≥ since.</summary>
    public static IReadOnlyList<FeedRow> All(IReadOnlyList<FeedRow> rows, DateTimeOffset? since)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (since is not { } s) return rows;
        var start = LowerBound(rows, r => r.UpdatedAt.UtcTicks >= s.UtcTicks);
        return rows.Skip(start).ToList();
    }

    // First index whose row satisfies a predicate that is false, then true, along the feed order.
    private static int LowerBound(IReadOnlyList<FeedRow> rows, Func<FeedRow, bool> atOrAfter)
    {
        int lo = 0, hi = rows.Count;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (atOrAfter(rows[mid])) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    [GeneratedRegex(@" (\d{2}:?\d{2})$")]
    private static partial Regex SpaceForPlus();

    [GeneratedRegex(@"(Z|z|[+-]\d{2}(:?\d{2})?)$")]
    private static partial Regex HasOffset();
}
