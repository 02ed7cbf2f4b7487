namespace Dashboard.Data.Ingestion;

/// <summary>What started a run.</summary>
public enum RunTrigger
{
    /// <summary>The source's cron schedule.</summary>
    Schedule,
    /// <summary>"Run now" from the api.</summary>
    Manual,
    /// <summary>A file uploaded through the api.</summary>
    Upload,
    /// <summary>A file found in a drop folder.</summary>
    DropFolder,
}

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    /// <summary>Still running (or the process died while it ran).</summary>
    Running,
    /// <summary>Every row received was loaded.</summary>
    Succeeded,
    /// <summary>Finished, with some rows quarantined.</summary>
    PartiallySucceeded,
    /// <summary>Stopped by an error; rows stored before it stay stored, the watermark did not move.</summary>
    Failed,
    /// <summary>Not attempted (the source's circuit breaker was open).</summary>
    Skipped,
}

/// <summary>One pull run or file load, as recorded in pull_runs.</summary>
public sealed record PullRun
{
    /// <summary>Run id (a GUID in N format).</summary>
    public required string Id { get; init; }
    /// <summary>The source.</summary>
    public required string SourceId { get; init; }
    /// <summary>What started it.</summary>
    public required RunTrigger Trigger { get; init; }
    /// <summary>Start (UTC).</summary>
    public required DateTime StartedAt { get; init; }
    /// <summary>End (UTC); null while running.</summary>
    public DateTime? FinishedAt { get; init; }
    /// <summary>Status.</summary>
    public RunStatus Status { get; init; } = RunStatus.Running;
    /// <summary>Rows received (valid and invalid).</summary>
    public long RowsReceived { get; init; }
    /// <summary>Valid rows stored.</summary>
    public long RowsLoaded { get; init; }
    /// <summary>Rows quarantined in rejections.</summary>
    public long RowsRejected { get; init; }
    /// <summary>Feed pages read.</summary>
    public int Pages { get; init; }
    /// <summary>Requests retried after a transient failure.</summary>
    public int Retries { get; init; }
    /// <summary>The watermark the run started from.</summary>
    public DateTime? WatermarkFrom { get; init; }
    /// <summary>The watermark the run moved to (null when it did not move).</summary>
    public DateTime? WatermarkTo { get; init; }
    /// <summary>The file's name for file loads.</summary>
    public string FileName { get; init; } = "";
    /// <summary>What went wrong, for Failed and Skipped runs (and a summary of transient faults).</summary>
    public string Error { get; init; } = "";
    /// <summary>
    /// The Quartz scheduler instance of the jobs process running it (sql/0012); empty for the api's uploads and
    /// for runs recorded before. The run sweeper fails a Running run only when its owner is no longer alive.
    /// </summary>
    public string Owner { get; init; } = "";
}

/// <summary>The outcome of one row of a file load, for the uploader.</summary>
public sealed record RowResult(int RowNumber, bool Loaded, string Field, string Reason);

/// <summary>A "run now" request from the api, picked up by the jobs host.</summary>
public sealed record RunRequest(string Id, string SourceId, string RequestedBy, DateTime RequestedAt);

/// <summary>A quarantined row as stored (contract entity set Rejections).</summary>
public sealed record StoredRejection(string Id, string RunId, string SourceId, string RegionCode, uint RowNumber, string Row, string Field, string Reason, DateTime RejectedAt);
