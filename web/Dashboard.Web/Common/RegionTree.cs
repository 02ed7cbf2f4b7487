using Dashboard.Web.Api;

namespace Dashboard.Web.Common;

/// <summary>
/// The regions the api lets this user see, as a tree. The api lists the jurisdiction's subtrees and, for
/// context (names, breadcrumbs, inherited targets), their ancestors; pickers and drill-downs offer only the
/// jurisdiction itself (<see cref="InScope"/>), so a district officer is never offered another district or the city.
/// </summary>
public sealed class RegionTree
{
    private readonly Dictionary<string, RegionRow> _byCode;
    private readonly ILookup<string, RegionRow> _children;
    private readonly HashSet<string> _scope = new(StringComparer.Ordinal);

    /// <param name="regions">What /odata/Regions answered for this user.</param>
    /// <param name="roots">The user's granted region codes (each with everything below it).</param>
    public RegionTree(IReadOnlyList<RegionRow> regions, IEnumerable<string> roots)
    {
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(roots);
        All = regions;
        _byCode = regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        _children = regions.ToLookup(r => r.ParentCode ?? "", StringComparer.Ordinal);
        foreach (var root in roots.Where(_byCode.ContainsKey)) _scope.UnionWith(Subtree(root));
    }

    public IReadOnlyList<RegionRow> All { get; }

    /// <summary>True when the region lies inside the user's jurisdiction.</summary>
    public bool InScope(string? code) => code is not null && _scope.Contains(code);

    public RegionRow? Find(string? code) => code is not null && _byCode.TryGetValue(code, out var r) ? r : null;

    /// <summary>The region when it is inside the jurisdiction; null otherwise (pages answer 404).</summary>
    public RegionRow? FindInScope(string? code) => InScope(code) ? Find(code) : null;

    public string Name(string code) => Find(code)?.Name ?? code;

    public IReadOnlyList<RegionRow> Children(string code) => _children[code].OrderBy(r => r.Code, StringComparer.Ordinal).ToList();

    /// <summary>The region and all its visible descendants.</summary>
    public IReadOnlyList<string> Subtree(string code)
    {
        var result = new List<string>();
        var stack = new Stack<string>([code]);
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            result.Add(c);
            foreach (var child in _children[c]) stack.Push(child.Code);
        }
        return result;
    }

    /// <summary>The ancestors of a region, top first (as far as they are visible).</summary>
    public IReadOnlyList<RegionRow> Ancestors(string code)
    {
        var list = new List<RegionRow>();
        for (var r = Find(Find(code)?.ParentCode); r is not null && list.Count < 10; r = Find(r.ParentCode)) list.Insert(0, r);
        return list;
    }

    /// <summary>
    /// What the overview offers: cities when the user sees any, otherwise the top of what they see (a
    /// district officer's own district).
    /// </summary>
    public IReadOnlyList<RegionRow> OverviewChoices()
    {
        var inScope = All.Where(r => InScope(r.Code)).ToList();
        var cities = inScope.Where(r => r.Level == "City").ToList();
        if (cities.Count > 0) return cities;
        // Without a city: the top of the jurisdiction (a district officer's own district).
        return inScope.Where(r => !InScope(r.ParentCode) && r.Level != "Province").ToList();
    }
}
