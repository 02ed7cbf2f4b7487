using System.Data.Common;
using Dashboard.ClickHouse.Migrations;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Storage;

namespace DistrictSimulator.Reference;

/// <summary>The reference catalogue the sources are built from: regions of the issuers' subtrees (with their ancestors), indicators and current targets.</summary>
/// <param name="Regions">Every region of the five issuers' trees, by code.</param>
/// <param name="Indicators">Every indicator, by code.</param>
/// <param name="Targets">The current version of every target set on one of <paramref name="Regions"/>.</param>
public sealed record ReferenceCatalogue(
    IReadOnlyDictionary<string, Region> Regions,
    IReadOnlyDictionary<string, Indicator> Indicators,
    IReadOnlyList<Target> Targets)
{
    /// <summary>The issuers whose district systems are simulated: 昆山市, 太仓市, 台州市, 泰州市 and X区.</summary>
    public static readonly IReadOnlyList<string> IssuerRoots = ["320583", "320585", "331000", "321200", "999001"];

    /// <summary>The configuration key of the connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:ClickHouse";

    /// <summary>Loads the catalogue through lib/Dashboard.Data; fails with a message naming the setting when ClickHouse cannot be read.</summary>
    public static async Task<ReferenceCatalogue> LoadAsync(string? connectionString, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException($"{ConnectionStringKey} is not set: the simulator loads its reference catalogue from ClickHouse.");
        try
        {
            var store = new CatalogueStore(new ClickHouseDatabase(connectionString));
            var regions = new Dictionary<string, Region>(StringComparer.Ordinal);
            foreach (var root in IssuerRoots)
            {
                foreach (var r in await store.GetRegionTreeAsync(root, ct)) regions.TryAdd(r.Code, r);
            }
            var missing = IssuerRoots.Where(r => !regions.ContainsKey(r)).ToList();
            if (missing.Count > 0)
                throw new InvalidOperationException(
                    $"The reference catalogue in ClickHouse ({ConnectionStringKey}) lacks the issuer region(s) {string.Join(", ", missing)}: apply every migration of sql/, seeds included.");
            var indicators = (await store.GetIndicatorsAsync(ct)).ToDictionary(i => i.Code, StringComparer.Ordinal);
            var targets = await store.GetCurrentTargetsAsync(regions.Keys.ToList(), ct);
            return new ReferenceCatalogue(regions, indicators, targets);
        }
        catch (Exception e) when (e is DbException or HttpRequestException or IOException or TimeoutException or InvalidDataException or MigrationException or ArgumentException)
        {
            // The provider's messages name the endpoint or the server's error, never the password.
            throw new InvalidOperationException(
                $"Cannot load the reference catalogue from ClickHouse ({ConnectionStringKey}): {e.Message}", e);
        }
    }

    /// <summary>The regions of <paramref name="root"/>'s subtree (itself included).</summary>
    public IReadOnlyList<Region> Subtree(string root)
    {
        var children = Regions.Values.ToLookup(r => r.ParentCode, StringComparer.Ordinal);
        var result = new List<Region>();
        var stack = new Stack<string>([root]);
        while (stack.Count > 0)
        {
            var code = stack.Pop();
            if (!Regions.TryGetValue(code, out var r)) continue;
            result.Add(r);
            foreach (var c in children[code].OrderByDescending(c => c.Code, StringComparer.Ordinal)) stack.Push(c.Code);
        }
        return result;
    }

    /// <summary>The leaves of <paramref name="root"/>'s subtree: regions without children; the root itself when it has none.</summary>
    public IReadOnlyList<Region> Leaves(string root)
    {
        var parents = Regions.Values.Select(r => r.ParentCode).ToHashSet(StringComparer.Ordinal);
        return Subtree(root).Where(r => !parents.Contains(r.Code)).OrderBy(r => r.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary><paramref name="code"/> and its ancestors, nearest first.</summary>
    public IEnumerable<Region> SelfAndAncestors(string code)
    {
        for (var r = Regions.GetValueOrDefault(code); r is not null; r = Regions.GetValueOrDefault(r.ParentCode))
            yield return r;
    }
}
