namespace Dashboard.Web.Api;

// Rows of the api's OData sets (shared/contracts/odata.md, docs/odata.md), as the pages read them.

public sealed record RegionRow(string Code, string Name, string Level, string ParentCode, string? Kind);

public sealed record IndicatorRow(string Code, string Name, string NameEn, string Unit, string Kind, string Direction, string Periodicity)
{
    /// <summary>Ratios are stored as fractions and shown as percentages.</summary>
    public bool IsRatio => Kind == "Ratio";

    public bool HigherIsBetter => Direction != "LowerIsBetter";
}

public sealed record TargetRow(
    string Id, string RegionCode, string IndicatorCode, string Kind, string Comparator, decimal Value, DateOnly StartDate,
    DateOnly Deadline, DateOnly? BaselinePeriod, string Document, string Clause, IReadOnlyList<string> ResponsibleUnits, long Version);

public sealed record ObservationRow(
    string RegionCode, string IndicatorCode, DateOnly Period, decimal? Numerator, decimal? Denominator, decimal? Value, long Revision,
    string SourceId, string RunId, DateTimeOffset UpdatedAt, DateTimeOffset LoadedAt);

/// <summary>One load of a number (observations_raw): every revision ever received, the current one included.</summary>
public sealed record ObservationRevisionRow(
    string RegionCode, string IndicatorCode, DateOnly Period, decimal? Numerator, decimal? Denominator, decimal? Value, long Revision,
    string SourceId, string RunId, DateTimeOffset UpdatedAt, DateTimeOffset LoadedAt);

/// <summary>One line of the audit trail (OData set AuditEvents, audit administrator only).</summary>
/// <remarks>The set's Object property (what was acted on) is read into <see cref="Target"/>.</remarks>
public sealed record AuditEventRow(
    string EventId, DateTimeOffset Time, string User, string Address, string Action,
    [property: System.Text.Json.Serialization.JsonPropertyName("Object")] string Target, string Result, string Detail);

public sealed record ScorecardRow(
    string RegionCode, string TargetId, string IndicatorCode, DateOnly AsOf, decimal? Actual, DateOnly? ActualPeriod, decimal? Expected,
    decimal TargetValue, DateOnly Deadline, decimal? Baseline, decimal? Forecast, decimal? RelativeShortfall, string Status, bool Stale,
    bool Inherited, string RegionName, string TargetRegionCode, long TargetVersion, bool BaselineFallback, bool WillMiss,
    DateOnly? LatestPeriod, DateTimeOffset? LoadedAt, string OverrideStatus, string OverrideReason, string OverrideAuthor)
{
    /// <summary>Lagging per methodology §5: Missed, Red or AmberRed.</summary>
    public bool Lagging => Status is "Missed" or "Red" or "AmberRed";
}

public sealed record PullRunRow(
    string Id, string SourceId, string Trigger, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Status, long RowsReceived,
    long RowsLoaded, long RowsRejected, string Error);

public sealed record RejectionRow(
    string Id, string RunId, string SourceId, string RegionCode, long RowNumber, string Row, string Field, string Reason, DateTimeOffset RejectedAt);

/// <summary>A page of an OData set: its rows, the total when asked for (<c>$count=true</c>), and whether more follow.</summary>
public sealed record ODataResult<T>(IReadOnlyList<T> Rows, long? Count, bool HasMore);

/// <summary>One group of an observations roll-up ($apply groupby Period).</summary>
public sealed record PeriodAggregate(DateOnly Period, decimal? Numerator, decimal? Denominator, decimal? SumValue, decimal? MaxValue, DateTimeOffset? LoadedAt);

// REST answers (/api/...), camelCase JSON; enums travel as names.

public sealed record SourceSummaryDto(string Id, string RegionCode, string Kind, string? Url, string? DropFolder, string Cron, bool Enabled, bool HasSecret);

public sealed record RunSummaryDto(string Id, string Status, DateTime StartedAt, DateTime? FinishedAt, long RowsLoaded, long RowsRejected);

/// <summary>A source's state; <see cref="NextRunAt"/> (UTC) is when its schedule fires next, null when disabled.</summary>
public sealed record SourceStatusDto(SourceSummaryDto Source, DateTime? Watermark, RunSummaryDto? LatestRun, DateTime? NextRunAt);

public sealed record PullRunDto(
    string Id, string SourceId, string Trigger, DateTime StartedAt, DateTime? FinishedAt, string Status, long RowsReceived, long RowsLoaded,
    long RowsRejected, int Pages, int Retries, string FileName, string Error);

public sealed record RowResultDto(int RowNumber, bool Loaded, string Field, string Reason);

public sealed record UploadResultDto(PullRunDto Run, IReadOnlyList<RowResultDto> Rows);

/// <summary>The answer to an upload: the result, or the api's message when it refused the file.</summary>
public sealed record UploadOutcome(UploadResultDto? Result, string? Error);

public sealed record OverrideDto(string Status, string Reason, string Author, DateTime CreatedAt, DateOnly ValidFrom);

public sealed record StoredOverrideDto(string RegionCode, string TargetId, OverrideDto Override);

public sealed record TargetDto(
    string Id, long Version, string RegionCode, string IndicatorCode, string Kind, string Comparator, decimal Value, DateOnly StartDate,
    DateOnly Deadline, DateOnly? BaselinePeriod, string Document, string Clause, IReadOnlyList<string> ResponsibleUnits);

public sealed record TargetVersionDto(TargetDto Target, string Author, DateTime CreatedAt, string ChangeNote);

/// <summary>The body of PUT /api/targets/{id} (a new version).</summary>
public sealed record TargetInputDto(
    string? Id, string RegionCode, string IndicatorCode, string Kind, string Comparator, decimal Value, string StartDate, string Deadline,
    string? BaselinePeriod, string Document, string Clause, IReadOnlyList<string> ResponsibleUnits, string ChangeNote);

/// <summary>A refused write: the api's message (its problem details), to show to the user.</summary>
public sealed record ApiWriteResult(bool Succeeded, int Status, string? Message);

// Reports and notices (/api/reports, /api/notifications; docs/reports.md).

public sealed record ReportListItemDto(string Id, string CityCode, string AsOf, string NumberLabel, string PeriodLabel, DateTime GeneratedAt,
    string GeneratedBy, DateTime? DataVersion, string? PreviousReportId, string ContentHash);

public sealed record ReportSummaryDto(string Overview, int Targets, IReadOnlyDictionary<string, int> ByStatus, int Rows, int Lagging, int LaggingRegions,
    IReadOnlyList<string> WorstRegions, int RatingChanges, int Restated, string RectificationDue);

public sealed record ReportFileLinkDto(string Format, string FileName, string Url);

public sealed record ReportDetailDto(string Id, string CityCode, string CityName, string Title, string IssuingOffice, string AsOf, string ReportDate,
    string NumberLabel, string PeriodLabel, DateTime GeneratedAt, string GeneratedBy, DateTime? DataVersion, string? PreviousReportId, string ContentHash,
    ReportSummaryDto Summary, IReadOnlyList<ReportFileLinkDto> Files);

public sealed record ReportSideDto(string Id, string AsOf, string NumberLabel);

public sealed record ReportDifferenceDto(string RegionCode, string RegionName, string TargetId, string IndicatorName, string Kind,
    string? StatusBefore, string? StatusAfter, decimal? ActualBefore, decimal? ActualAfter, decimal? Delta);

public sealed record ReportComparisonDto(ReportSideDto Earlier, ReportSideDto Later, int RatingChanged, int ValueChanged, int Added, int Removed, int Unchanged,
    IReadOnlyList<ReportDifferenceDto> Changes);

public sealed record NotificationDto(string Id, string Kind, string Title, string Body, string RegionCode, string? ReportId, string? Url,
    DateTime CreatedAt, DateTime? ReadAt);

/// <summary>A report file as the api served it: the bytes, their type and the api's Content-Disposition (Chinese filename*).</summary>
public sealed record ReportFileDto(byte[] Content, string ContentType, string? ContentDisposition);

/// <summary>The answer to a generate request: the new report, or the api's message.</summary>
public sealed record GenerateOutcome(ReportDetailDto? Report, string? Error);
