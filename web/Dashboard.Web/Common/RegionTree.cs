using Dashboard.Web.Api;

namespace Dashboard.Web.Common;

/// <summary>
/// The regions the api lets this user see (it scopes /odata/Regions to the jurisdiction), as a tree. Pickers
/// offer only these, so a district officer is never shown another district.
/// </summary>
public sealed class RegionTree
{
    private readonly Dictionary<string, RegionRow> _byCode;
    private readonly ILookup<string, RegionRow> _children;

    public RegionTree(IReadOnlyList<RegionRow> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        All = regions;
        _byCode = regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        _children = regions.ToLookup(r => r.ParentCode ?? "", StringComparer.Ordinal);
    }

    public IReadOnlyList<RegionRow> All { get; }

    public RegionRow? Find(string? code) => code is not null && _byCode.TryGetValue(code, out var r) ? r : null;

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
        var cities = All.Where(r => r.Level == "City").ToList();
        if (cities.Count > 0) return cities;
        return All.Where(r => Find(r.ParentCode) is null && r.Level != "Province").ToList();
    }
}
