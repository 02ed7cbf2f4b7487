using Dashboard.OData.Translation;
using Dashboard.Security.Jurisdiction;

namespace Dashboard.Api.OData;

/// <summary>
/// What a caller may read: the regions at the top of their jurisdiction (each with all its sub-regions) and
/// the pull sources of those regions. Null stands for "everything" (no jurisdiction applies).
/// </summary>
/// <param name="RegionRoots">Region codes; their subtrees are readable.</param>
/// <param name="SourceIds">Sources whose runs and rejections are readable.</param>
/// <param name="Expanded">
/// The roots expanded against the in-memory hierarchy, when known: the conditions then list the scope's parent
/// regions and find their children in <c>regions</c> (one small scan) instead of asking the <c>region_closure</c>
/// view (five joins on every query). Without it, or for a scope too large to list, the view is used.
/// </param>
public sealed record DataScope(IReadOnlyList<string> RegionRoots, IReadOnlyList<string> SourceIds, ExpandedScope? Expanded = null)
{
    /// <summary>Above this many parent regions the condition asks the closure view rather than list them in the SQL.</summary>
    public const int MaxListedParents = 5000;

    /// <summary>
    /// Up to this many parent regions are written as an IN list of literals; more go as one comma-joined string
    /// split in ClickHouse. Parsing thousands of literals costs more than the query: with a province's 1,414 parents
    /// listed twice, 32 ms of ClickHouse CPU against 8 ms for the split string (region codes never hold a comma).
    /// </summary>
    public const int MaxLiteralParents = 100;

    /// <summary>
    /// The condition that limits an entity set to this scope, ANDed by the translator before the caller's own
    /// query (so no $filter, $apply or key can widen it). Sets without a region (indicators) are not limited.
    /// </summary>
    public SqlCondition? ConditionFor(string entitySet) => entitySet switch
    {
        // Regions and targets above the jurisdiction are context a user needs (the city's name, the city
        // targets their district inherits); observations and scorecard rows are only those inside it.
        "Regions" => InRegions("code", orAbove: true),
        "Targets" => InRegions("region_code", orAbove: true),
        "Observations" or "ObservationRevisions" or "Scorecard" => InRegions("region_code"),
        "RegionPeriodSums" => InRegions("judged_code"),
        "Rejections" => InRegions("region_code", orSources: true),
        "PullRuns" => new SqlCondition("source_id IN @scopeSources",
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["scopeSources"] = SourceIds.ToArray() }),
        _ => null,
    };

    private SqlCondition InRegions(string column, bool orAbove = false, bool orSources = false)
    {
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal);
        string sql;
        if (Expanded is { } e && e.Parents.Count <= MaxListedParents)
        {
            // Every region of the scope is a listed parent or the child of one; children are read from regions
            // at query time, so a school added or moved under a listed parent is placed correctly at once.
            string parents;
            if (e.Parents.Count <= MaxLiteralParents)
            {
                parents = "@scopeParents";
                parameters["scopeParents"] = e.Parents.ToArray();
            }
            else
            {
                parents = "(SELECT arrayJoin(splitByChar(',', @scopeParents)))";
                parameters["scopeParents"] = string.Join(',', e.Parents);
            }
            sql = column + " IN " + parents + " OR " + column + " IN (SELECT code FROM regions FINAL WHERE parent_code IN " + parents + ")";
            if (orAbove)
            {
                sql += " OR " + column + " IN @scopeAbove";
                parameters["scopeAbove"] = e.Ancestors.Order(StringComparer.Ordinal).ToArray();
            }
        }
        else
        {
            sql = column + " IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scopeRoots)";
            if (orAbove) sql += " OR " + column + " IN (SELECT ancestor_code FROM region_closure WHERE region_code IN @scopeRoots)";
            parameters["scopeRoots"] = RegionRoots.ToArray();
        }
        if (orSources)
        {
            sql += " OR source_id IN @scopeSources";
            parameters["scopeSources"] = SourceIds.ToArray();
        }
        return new SqlCondition(sql, parameters);
    }
}
