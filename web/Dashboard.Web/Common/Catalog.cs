using System.Globalization;
using Dashboard.Web.Api;
using Microsoft.Extensions.Caching.Memory;

namespace Dashboard.Web.Common;

/// <summary>What nearly every page needs beside its own numbers: the visible regions, the indicators and the targets.</summary>
public sealed record Catalog(RegionTree Regions, IReadOnlyDictionary<string, IndicatorRow> Indicators, IReadOnlyDictionary<string, TargetRow> Targets)
{
    /// <summary>How long a catalog is reused for users with the same roles and regions.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The catalog as the api shows it to this user, reused for <see cref="CacheFor"/> by every user with the same
    /// roles and granted regions (<see cref="JurisdictionCache"/>). Every page needs it, and with schools as regions
    /// the Regions set alone is several pages: the 10M-row benchmark spent most of a page's time here. A region or
    /// target edited through the api shows here within that time.
    /// </summary>
    public static Task<Catalog> LoadAsync(ApiClient api, System.Security.Claims.ClaimsPrincipal user, IMemoryCache cache, CancellationToken cancellationToken) =>
        JurisdictionCache.GetAsync(cache, user, "catalog", CacheFor, () => LoadAsync(api, user, cancellationToken));

    /// <summary>Reads the three sets side by side.</summary>
    public static async Task<Catalog> LoadAsync(ApiClient api, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(user);
        var roots = user.FindAll(Dashboard.Web.Security.SessionDefaults.RegionClaim).Select(c => c.Value).ToList();
        var regions = api.RegionsAsync(cancellationToken);
        var indicators = api.IndicatorsAsync(cancellationToken);
        var targets = api.TargetsAsync(null, cancellationToken);
        await Task.WhenAll(regions, indicators, targets);
        return new Catalog(new RegionTree(await regions, roots),
            (await indicators).ToDictionary(i => i.Code, StringComparer.Ordinal),
            (await targets).ToDictionary(t => t.Id, StringComparer.Ordinal));
    }

    public IndicatorRow? Indicator(string code) => Indicators.TryGetValue(code, out var i) ? i : null;

    public TargetRow? Target(string id) => Targets.TryGetValue(id, out var t) ? t : null;

    public string IndicatorName(string code) => Indicator(code)?.Name ?? code;

    /// <summary>"≥ 90.0%，2023-12-31 前" — the target as a sentence fragment.</summary>
    public string TargetText(TargetRow? target, decimal targetValue)
    {
        var indicator = target is null ? null : Indicator(target.IndicatorCode);
        var comparator = Display.Comparator(target?.Comparator);
        var deadline = target is null ? "" : "，" + Display.Date(target.Deadline) + " 前";
        var kind = target?.Kind is "Cumulative" ? "累计 " : target?.Kind is "Maintain" ? "保持 " : target?.Kind is "Ceiling" ? "不超过 " : "";
        return $"{kind}{comparator} {Display.Value(targetValue, indicator)}{deadline}";
    }

    public string ResponsibleUnits(string targetId) =>
        Target(targetId) is { ResponsibleUnits.Count: > 0 } t ? string.Join("、", t.ResponsibleUnits) : "—";
}

/// <summary>Parses the as-of date from the query string (yyyy-MM-dd); today in China time when absent or invalid.</summary>
public static class AsOf
{
    public static DateOnly Parse(string? text, TimeProvider clock) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : Display.Today(clock);

    public static string Text(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
