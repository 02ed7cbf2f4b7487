namespace DistrictSimulator.Faults;

/// <summary>
/// The faults one source injects. Every "Every" counts the source's feed requests (JSON, CSV and XLSX,
/// after authentication) from 1: request n is hit when n is a multiple of the setting; 0 turns it off.
/// </summary>
public sealed record FaultSettings
{
    /// <summary>Milliseconds added to every feed response.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Every Nth request answers 429 with <c>Retry-After: 1</c>.</summary>
    public int TooManyRequestsEvery { get; init; }

    /// <summary>Every Nth request answers 503.</summary>
    public int ServerErrorEvery { get; init; }

    /// <summary>Every Nth request aborts the connection: the 1st, 3rd … such request right after the headers, the 2nd, 4th … in the middle of the body.</summary>
    public int ResetEvery { get; init; }

    /// <summary>Every Nth response body is cut in the middle (200, no Content-Length).</summary>
    public int TruncateEvery { get; init; }

    /// <summary>Each page (or file) repeats its first row at its end.</summary>
    public bool DuplicateRows { get; init; }

    /// <summary>Every Nth JSON page request returns the previous page again: its items and its next cursor.</summary>
    public int RepeatPageEvery { get; init; }

    /// <summary>Kinds of invalid row (see <see cref="InvalidRowKinds"/>) each page or file gets one extra row of.</summary>
    public IReadOnlyList<string> InvalidRows { get; init; } = [];

    /// <summary>Whether any fault is on.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Any => LatencyMs > 0 || TooManyRequestsEvery > 0 || ServerErrorEvery > 0 || ResetEvery > 0 || TruncateEvery > 0
        || DuplicateRows || RepeatPageEvery > 0 || InvalidRows.Count > 0;

    /// <summary>Checks the settings and returns them with the invalid-row kinds in their canonical spelling.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public FaultSettings Normalized()
    {
        static void NotNegative(int value, string name)
        {
            if (value < 0) throw new ArgumentException($"{name} must be 0 (off) or positive; got {value}.", name);
        }
        NotNegative(LatencyMs, "latencyMs");
        NotNegative(TooManyRequestsEvery, "tooManyRequestsEvery");
        NotNegative(ServerErrorEvery, "serverErrorEvery");
        NotNegative(ResetEvery, "resetEvery");
        NotNegative(TruncateEvery, "truncateEvery");
        NotNegative(RepeatPageEvery, "repeatPageEvery");
        if (LatencyMs > 60_000) throw new ArgumentException($"latencyMs is at most 60000; got {LatencyMs}.", "latencyMs");
        var kinds = (InvalidRows ?? []).Select(k => InvalidRowKinds.Canonical(k)
            ?? throw new ArgumentException($"invalidRows: unknown kind '{k}'; known: {string.Join(", ", InvalidRowKinds.All)}.", "invalidRows"));
        return this with { InvalidRows = kinds.Distinct(StringComparer.Ordinal).ToList() };
    }
}

/// <summary>The kinds of invalid row the contract says a pull job must quarantine.</summary>
public static class InvalidRowKinds
{
    /// <summary>numerator as the string "abc".</summary>
    public const string WrongType = "wrongType";
    /// <summary>No period field.</summary>
    public const string MissingField = "missingField";
    /// <summary>A region code the catalogue does not know.</summary>
    public const string UnknownRegion = "unknownRegion";
    /// <summary>An indicator code the catalogue does not know.</summary>
    public const string UnknownIndicator = "unknownIndicator";
    /// <summary>A negative value (count) or numerator (ratio).</summary>
    public const string Negative = "negative";
    /// <summary>numerator &gt; denominator.</summary>
    public const string NumeratorAboveDenominator = "numeratorAboveDenominator";
    /// <summary>A period after the one containing today.</summary>
    public const string FuturePeriod = "futurePeriod";

    /// <summary>Every kind, in the order the rows are appended.</summary>
    public static readonly IReadOnlyList<string> All =
        [WrongType, MissingField, UnknownRegion, UnknownIndicator, Negative, NumeratorAboveDenominator, FuturePeriod];

    /// <summary>The canonical spelling of <paramref name="kind"/> (case-insensitive), or null when unknown.</summary>
    public static string? Canonical(string? kind) => All.FirstOrDefault(k => string.Equals(k, kind?.Trim(), StringComparison.OrdinalIgnoreCase));
}
