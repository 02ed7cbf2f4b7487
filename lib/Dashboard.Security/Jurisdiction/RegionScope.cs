namespace Dashboard.Security.Jurisdiction;

/// <summary>
/// A user's jurisdiction: the region codes granted, read as "these regions and everything under them".
/// Reads must be limited to the expanded set (<see cref="RegionHierarchy.ExpandAsync"/>); an account without regions sees nothing.
/// </summary>
public static class RegionScope
{
    /// <summary>True for a plausible region code: 1..32 characters of letters, digits, '-' and '_'.</summary>
    public static bool IsValidCode(string? code) =>
        code is { Length: >= 1 and <= 32 } && code.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_');

    /// <summary>Checks and normalises a list of region codes (trimmed, distinct, ordered).</summary>
    /// <exception cref="ArgumentException">A code is not valid.</exception>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var list = codes.Select(c => c?.Trim() ?? "").ToList();
        if (list.Find(c => !IsValidCode(c)) is { } bad) throw new ArgumentException($"'{bad}' is not a region code.", nameof(codes));
        return list.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>True when <paramref name="regionCode"/> is in an expanded scope.</summary>
    public static bool Allows(IReadOnlySet<string> expandedScope, string regionCode)
    {
        ArgumentNullException.ThrowIfNull(expandedScope);
        return expandedScope.Contains(regionCode);
    }
}
