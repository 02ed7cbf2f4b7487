using Microsoft.OData.Edm;

namespace Dashboard.OData.Model;

/// <summary>
/// The one place that maps the OData contract (shared/contracts/odata.md) to ClickHouse: every entity set,
/// its source and every property's column. The EDM model and the SQL translator both read only this.
/// </summary>
/// <remarks>
/// Current versions: <c>observations</c> and <c>pull_runs</c> are ReplacingMergeTree(version) tables read with
/// FINAL, which keeps the highest version per key; <c>targets</c> is a plain MergeTree of versioned rows read
/// with <c>LIMIT 1 BY id</c> after sorting by version descending. (argMax would skip NULLs of Nullable
/// columns and so could resurrect an older revision's value; and an alias equal to its column name trips
/// the 18.16 analyser.) Regions and indicators are ReplacingMergeTree tables read with FINAL.
/// </remarks>
public static class EntitySetMaps
{
    /// <summary>The EDM namespace.</summary>
    public const string Namespace = "Dashboard";

    /// <summary>The entity container name.</summary>
    public const string ContainerName = "Container";

    private const EdmPrimitiveTypeKind Str = EdmPrimitiveTypeKind.String;
    private const EdmPrimitiveTypeKind Dec = EdmPrimitiveTypeKind.Decimal;
    private const EdmPrimitiveTypeKind Date = EdmPrimitiveTypeKind.Date;
    private const EdmPrimitiveTypeKind Instant = EdmPrimitiveTypeKind.DateTimeOffset;
    private const EdmPrimitiveTypeKind Int = EdmPrimitiveTypeKind.Int64;
    private const EdmPrimitiveTypeKind Bool = EdmPrimitiveTypeKind.Boolean;

    /// <summary>Regions (key Code).</summary>
    public static EntitySetMap Regions { get; } = new("Regions", "Region", "regions FINAL", ["Code"],
    [
        new("Code", Str, "code"),
        new("Name", Str, "name"),
        new("Level", Str, "level"),
        new("ParentCode", Str, "parent_code"),
        new("Kind", Str, "kind"),
    ]);

    /// <summary>Indicators (key Code).</summary>
    public static EntitySetMap Indicators { get; } = new("Indicators", "Indicator", "indicators FINAL", ["Code"],
    [
        new("Code", Str, "code"),
        new("Name", Str, "name"),
        new("NameEn", Str, "name_en"),
        new("Unit", Str, "unit"),
        new("Kind", Str, "kind"),
        new("Direction", Str, "direction"),
        new("Periodicity", Str, "periodicity"),
    ]);

    /// <summary>Targets, current version of each (key Id).</summary>
    public static EntitySetMap Targets { get; } = new("Targets", "Target",
        "(SELECT * FROM targets ORDER BY id, version DESC LIMIT 1 BY id)", ["Id"],
    [
        new("Id", Str, "id"),
        new("RegionCode", Str, "region_code"),
        new("IndicatorCode", Str, "indicator_code"),
        new("Kind", Str, "kind"),
        new("Comparator", Str, "comparator"),
        new("Value", Dec, "value"),
        new("StartDate", Date, "start_date"),
        new("Deadline", Date, "deadline"),
        new("BaselinePeriod", Date, "baseline_period", Nullable: true),
        new("Document", Str, "document"),
        new("Clause", Str, "clause"),
        new("ResponsibleUnits", Str, "responsible_units", IsCollection: true),
        new("Version", Int, "version"),
    ]);

    /// <summary>Observations, current revision of each (key RegionCode, IndicatorCode, Period).</summary>
    public static EntitySetMap Observations { get; } = new("Observations", "Observation", "observations FINAL",
        ["RegionCode", "IndicatorCode", "Period"],
    [
        new("RegionCode", Str, "region_code"),
        new("IndicatorCode", Str, "indicator_code"),
        new("Period", Date, "period"),
        new("Numerator", Dec, "numerator", Nullable: true),
        new("Denominator", Dec, "denominator", Nullable: true),
        new("Value", Dec, "value", Nullable: true),
        new("Revision", Int, "revision"),
        new("SourceId", Str, "source_id"),
        new("RunId", Str, "run_id"),
        new("UpdatedAt", Instant, "updated_at"),
        new("LoadedAt", Instant, "loaded_at"),
    ]);

    /// <summary>
    /// Scorecard rows (key RegionCode, TargetId); computed per as-of date, so the caller supplies the source (the api reads a
    /// snapshot of <c>scorecard_results</c>, sql/0008). Beyond the contract: the region's name, the will-miss and baseline
    /// fallback marks, data freshness and the inspector's override kept beside the computed status (empty strings when none).
    /// </summary>
    public static EntitySetMap Scorecard { get; } = new("Scorecard", "ScorecardEntry", null, ["RegionCode", "TargetId"],
    [
        new("RegionCode", Str, "region_code"),
        new("TargetId", Str, "target_id"),
        new("IndicatorCode", Str, "indicator_code"),
        new("AsOf", Date, "as_of"),
        new("Actual", Dec, "actual", Nullable: true),
        new("ActualPeriod", Date, "actual_period", Nullable: true),
        new("Expected", Dec, "expected", Nullable: true),
        new("TargetValue", Dec, "target_value"),
        new("Deadline", Date, "deadline"),
        new("Baseline", Dec, "baseline", Nullable: true),
        new("Forecast", Dec, "forecast", Nullable: true),
        new("RelativeShortfall", Dec, "relative_shortfall", Nullable: true),
        new("Status", Str, "status"),
        new("Stale", Bool, "stale"),
        new("Inherited", Bool, "inherited"),
        new("RegionName", Str, "region_name"),
        new("TargetRegionCode", Str, "target_region_code"),
        new("TargetVersion", Int, "target_version"),
        new("BaselineFallback", Bool, "baseline_fallback"),
        new("WillMiss", Bool, "will_miss"),
        new("LatestPeriod", Date, "latest_period", Nullable: true),
        new("LoadedAt", Instant, "loaded_at", Nullable: true),
        new("OverrideStatus", Str, "override_status"),
        new("OverrideReason", Str, "override_reason"),
        new("OverrideAuthor", Str, "override_author"),
    ]);

    /// <summary>Pull runs, current state of each (key Id).</summary>
    public static EntitySetMap PullRuns { get; } = new("PullRuns", "PullRun", "pull_runs FINAL", ["Id"],
    [
        new("Id", Str, "id"),
        new("SourceId", Str, "source_id"),
        new("Trigger", Str, "trigger"),
        new("StartedAt", Instant, "started_at"),
        new("FinishedAt", Instant, "finished_at", Nullable: true),
        new("Status", Str, "status"),
        new("RowsReceived", Int, "rows_received"),
        new("RowsLoaded", Int, "rows_loaded"),
        new("RowsRejected", Int, "rows_rejected"),
        new("Error", Str, "error"),
    ]);

    /// <summary>Rejected (quarantined) rows (key Id).</summary>
    public static EntitySetMap Rejections { get; } = new("Rejections", "Rejection", "rejections", ["Id"],
    [
        new("Id", Str, "id"),
        new("RunId", Str, "run_id"),
        new("SourceId", Str, "source_id"),
        new("RegionCode", Str, "region_code"),
        new("RowNumber", Int, "row_number"),
        new("Row", Str, "row"),
        new("Field", Str, "field"),
        new("Reason", Str, "reason"),
        new("RejectedAt", Instant, "rejected_at"),
    ]);

    /// <summary>
    /// Every revision of every observation as it was loaded (observations_raw: the lineage of a number), key
    /// RegionCode, IndicatorCode, Period, Revision, LoadedAt; the current one is in Observations.
    /// </summary>
    public static EntitySetMap ObservationRevisions { get; } = new("ObservationRevisions", "ObservationRevision", "observations_raw",
        ["RegionCode", "IndicatorCode", "Period", "Revision", "LoadedAt"],
    [
        new("RegionCode", Str, "region_code"),
        new("IndicatorCode", Str, "indicator_code"),
        new("Period", Date, "period"),
        new("Numerator", Dec, "numerator", Nullable: true),
        new("Denominator", Dec, "denominator", Nullable: true),
        new("Value", Dec, "value", Nullable: true),
        new("Revision", Int, "revision"),
        new("SourceId", Str, "source_id"),
        new("RunId", Str, "run_id"),
        new("UpdatedAt", Instant, "updated_at"),
        new("LoadedAt", Instant, "loaded_at"),
    ]);

    /// <summary>
    /// The current observations summed per judged region (the region itself, or a school's town), indicator and period:
    /// observation_rollup (sql/0013), which ingestion keeps current and the scorecard reads. Summing these groups over a
    /// region's subtree gives its roll-up (methodology §2) from a few rows instead of every observation.
    /// </summary>
    public static EntitySetMap RegionPeriodSums { get; } = new("RegionPeriodSums", "RegionPeriodSum", "observation_rollup FINAL",
        ["RegionCode", "IndicatorCode", "Period"],
    [
        new("RegionCode", Str, "judged_code"),
        new("IndicatorCode", Str, "indicator_code"),
        new("Period", Date, "period"),
        new("Numerator", Dec, "numerator", Nullable: true),
        new("Denominator", Dec, "denominator", Nullable: true),
        new("SumValue", Dec, "sum_value", Nullable: true),
        new("MaxValue", Dec, "max_value", Nullable: true),
        new("Rows", Int, "rows"),
        new("LoadedAt", Instant, "loaded_at"),
    ]);

    /// <summary>The audit trail (key EventId), readable by the audit administrator only (the api enforces it).</summary>
    public static EntitySetMap AuditEvents { get; } = new("AuditEvents", "AuditEvent", "audit_log", ["EventId"],
    [
        new("EventId", Str, "event_id"),
        new("Time", Instant, "time"),
        new("User", Str, "user"),
        new("Address", Str, "address"),
        new("Action", Str, "action"),
        new("Object", Str, "object"),
        new("Result", Str, "result"),
        new("Detail", Str, "detail"),
    ]);

    /// <summary>Every entity set: the contract's, in contract order, then the revision history, the per-region sums and the audit trail.</summary>
    public static IReadOnlyList<EntitySetMap> All { get; } = [Regions, Indicators, Targets, Observations, Scorecard, PullRuns, Rejections, ObservationRevisions, RegionPeriodSums, AuditEvents];

    /// <summary>Finds an entity set map by its set name (case-sensitive).</summary>
    public static EntitySetMap? Find(string entitySet) => All.FirstOrDefault(m => string.Equals(m.EntitySet, entitySet, StringComparison.Ordinal));
}
