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

/// <summary>One group of an observations roll-up ($apply groupby Period).</summary>
public sealed record PeriodAggregate(DateOnly Period, decimal? Numerator, decimal? Denominator, decimal? SumValue, decimal? MaxValue, DateTimeOffset? LoadedAt);

// REST answers (/api/...), camelCase JSON; enums travel as names.

public sealed record SourceSummaryDto(string Id, string RegionCode, string Kind, string? Url, string? DropFolder, string Cron, bool Enabled, bool HasSecret);

public sealed record RunSummaryDto(string Id, string Status, DateTime StartedAt, DateTime? FinishedAt, long RowsLoaded, long RowsRejected);

public sealed record SourceStatusDto(SourceSummaryDto Source, DateTime? Watermark, RunSummaryDto? LatestRun);

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
