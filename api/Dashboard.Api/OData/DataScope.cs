using Dashboard.OData.Translation;

namespace Dashboard.Api.OData;

/// <summary>
/// What a caller may read: the regions at the top of their jurisdiction (each with all its sub-regions) and
/// the pull sources of those regions. Null stands for "everything" (no jurisdiction applies).
/// </summary>
/// <param name="RegionRoots">Region codes; their subtrees are readable.</param>
/// <param name="SourceIds">Sources whose runs and rejections are readable.</param>
public sealed record DataScope(IReadOnlyList<string> RegionRoots, IReadOnlyList<string> SourceIds)
{
    /// <summary>
    /// The condition that limits an entity set to this scope, ANDed by the translator before the caller's own
    /// query (so no $filter, $apply or key can widen it). Sets without a region (indicators) are not limited.
    /// </summary>
    public SqlCondition? ConditionFor(string entitySet) => entitySet switch
    {
        // Regions and targets above the jurisdiction are context a user needs (the city's name, the city
        // targets their district inherits); observations and scorecard rows are only those inside it.
        "Regions" => InRegionsOrAbove("code"),
        "Targets" => InRegionsOrAbove("region_code"),
        "Observations" or "ObservationRevisions" or "Scorecard" => InRegions("region_code"),
        "RegionPeriodSums" => InRegions("judged_code"),
        "Rejections" => new SqlCondition(
            "region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scopeRoots) OR source_id IN @scopeSources",
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["scopeRoots"] = RegionRoots.ToArray(), ["scopeSources"] = SourceIds.ToArray() }),
        "PullRuns" => new SqlCondition("source_id IN @scopeSources",
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["scopeSources"] = SourceIds.ToArray() }),
        _ => null,
    };

    private SqlCondition InRegionsOrAbove(string column) => new(
        column + " IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scopeRoots) OR " +
        column + " IN (SELECT ancestor_code FROM region_closure WHERE region_code IN @scopeRoots)",
        new Dictionary<string, object?>(StringComparer.Ordinal) { ["scopeRoots"] = RegionRoots.ToArray() });

    private SqlCondition InRegions(string column) => new(
        column + " IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scopeRoots)",
        new Dictionary<string, object?>(StringComparer.Ordinal) { ["scopeRoots"] = RegionRoots.ToArray() });
}
