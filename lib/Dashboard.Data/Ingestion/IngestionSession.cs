using Dashboard.Data.Catalogue;

namespace Dashboard.Data.Ingestion;

/// <summary>
/// One run of one source: batches of received rows are validated and stored as they come (valid rows
/// into the observation tables, invalid ones into rejections), so memory is bounded by a batch and a
/// file is never half-loaded without a record of which rows failed and why.
/// </summary>
public sealed class IngestionSession
{
    private readonly IngestionStore _store;
    private readonly RowValidator _validator;
    private readonly int _flushRows;
    private List<Observation> _pendingValid = [];
    private List<Rejection> _pendingRejected = [];
    private Task<(int Loaded, int Rejected)>? _inFlight;
    private PullRun _run;
    private DateTime? _maxUpdatedAt;

    private IngestionSession(IngestionStore store, RowValidator validator, PullRun run, int flushRows)
    {
        _store = store;
        _validator = validator;
        _run = run;
        _flushRows = flushRows;
    }

    /// <summary>The run as it stands.</summary>
    public PullRun Run => _run;

    /// <summary>The latest updatedAt among the rows received so far (valid or not): where the watermark may move.</summary>
    public DateTime? MaxUpdatedAt => _maxUpdatedAt;

    /// <summary>Told when a batch's rows are in observations_raw but not yet in observations (set by <see cref="PullService"/>; crash tests only).</summary>
    internal IPullProbe? Probe { get; set; }

    /// <summary>
    /// Starts a run of <paramref name="sourceId"/> whose rows must lie in <paramref name="sourceRegion"/>'s area (null: anywhere known),
    /// recorded as run by <paramref name="owner"/> (the jobs process's Quartz instance id; empty for the api).
    /// </summary>
    public static async Task<IngestionSession> StartAsync(
        IngestionStore store, CatalogueStore catalogue, string sourceId, string? sourceRegion, RunTrigger trigger,
        DateOnly pullDate, DateTime? watermarkFrom, string fileName, CancellationToken ct, int flushRows = 0, string owner = "")
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalogue);
        var indicators = (await catalogue.GetIndicatorsAsync(ct)).ToDictionary(i => i.Code, StringComparer.Ordinal);
        var known = (await catalogue.GetRegionCodesAsync(null, ct)).ToHashSet(StringComparer.Ordinal);
        IReadOnlySet<string>? scope = sourceRegion is null ? null : (await catalogue.GetRegionCodesAsync(sourceRegion, ct)).ToHashSet(StringComparer.Ordinal);
        var run = new PullRun
        {
            Id = Guid.NewGuid().ToString("N"), SourceId = sourceId, Trigger = trigger, StartedAt = TruncateToSecond(DateTime.UtcNow),
            WatermarkFrom = watermarkFrom, FileName = fileName, Owner = owner,
        };
        await store.SaveRunAsync(run, ct);
        return new IngestionSession(store, new RowValidator(indicators, known, scope, pullDate), run, flushRows);
    }

    /// <summary>Validates and stores one batch (a feed page or a slice of a file); returns each row's outcome.</summary>
    public async Task<IReadOnlyList<RowResult>> AddBatchAsync(IReadOnlyList<FeedRow> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var valid = new List<Observation>(rows.Count);
        var rejected = new List<Rejection>();
        var results = new List<RowResult>(rows.Count);
        foreach (var row in rows)
        {
            if (_validator.TryValidate(row, out var observation, out var rejection))
            {
                valid.Add(observation!);
                results.Add(new RowResult(row.RowNumber, true, "", ""));
                if (_maxUpdatedAt is null || observation!.UpdatedAt > _maxUpdatedAt) _maxUpdatedAt = observation!.UpdatedAt;
            }
            else
            {
                rejected.Add(rejection!);
                results.Add(new RowResult(row.RowNumber, false, rejection!.Field, rejection.Reason));
            }
        }
        _pendingValid.AddRange(valid);
        _pendingRejected.AddRange(rejected);
        _run = _run with { RowsReceived = _run.RowsReceived + rows.Count };
        if (_pendingValid.Count + _pendingRejected.Count >= _flushRows) await FlushAsync(ct);
        return results;
    }

    /// <summary>
    /// Starts writing the rows validated so far. Pulls gather pages into writes of up to the session's
    /// flush size (one INSERT per table, not two per page, which dominated a pull's time) and write one
    /// batch in the background while the next pages are read; files write every batch before returning,
    /// so the per-row results they return always describe stored rows. <see cref="StoreAllAsync"/> waits.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await DrainAsync();
        if (_pendingValid.Count == 0 && _pendingRejected.Count == 0) return;
        var valid = _pendingValid;
        var rejected = _pendingRejected;
        _pendingValid = [];
        _pendingRejected = [];
        _inFlight = WriteAsync(valid, rejected, ct);
        if (_flushRows == 0) await DrainAsync();
    }

    /// <summary>Writes every row received so far and waits until they are stored.</summary>
    public async Task StoreAllAsync(CancellationToken ct)
    {
        await FlushAsync(ct);
        await DrainAsync();
    }

    private async Task<(int, int)> WriteAsync(List<Observation> valid, List<Rejection> rejected, CancellationToken ct)
    {
        var now = TruncateToSecond(DateTime.UtcNow);
        await _store.WriteRejectionsAsync(rejected, _run.SourceId, _run.Id, now, ct);
        Func<CancellationToken, ValueTask>? afterRaw = Probe is { } probe ? c => probe.ReachedAsync(PullPoint.RawWritten, _run, c) : null;
        await _store.WriteObservationsAsync(valid, _run.SourceId, _run.Id, now, afterRaw, ct);
        return (valid.Count, rejected.Count);
    }

    // Counts are applied here, on the session's own flow, once a background write has finished.
    private async Task DrainAsync()
    {
        if (_inFlight is not { } write) return;
        _inFlight = null;
        var (loaded, rejected) = await write;
        _run = _run with { RowsLoaded = _run.RowsLoaded + loaded, RowsRejected = _run.RowsRejected + rejected };
    }

    /// <summary>Records the run as it stands (still Running): a sign of life for the run sweeper.</summary>
    public Task SaveProgressAsync(CancellationToken ct) => _store.SaveRunAsync(_run, ct);

    /// <summary>Counts a page read and the retries it needed.</summary>
    public void CountPage(int retries) => _run = _run with { Pages = _run.Pages + 1, Retries = _run.Retries + retries };

    /// <summary>
    /// Ends the run: on success the watermark moves to the latest updatedAt received (after every row is
    /// stored); on failure it stays, and the next run pulls the same rows again, which changes nothing.
    /// </summary>
    public async Task<PullRun> CompleteAsync(string? error, bool moveWatermark, CancellationToken ct)
    {
        // Rows received before a failure are valid data: store them (the watermark still stays).
        try
        {
            await StoreAllAsync(error is null ? ct : CancellationToken.None);
        }
        catch (System.Data.Common.DbException e) when (error is not null)
        {
            error += "; the rows received before it could not be stored either: " + e.Message;
        }
        DateTime? to = null;
        if (error is null && moveWatermark && _maxUpdatedAt is { } max && (_run.WatermarkFrom is null || max > _run.WatermarkFrom))
        {
            await _store.SetWatermarkAsync(_run.SourceId, max, _run.Id, ct);
            to = max;
        }
        _run = _run with
        {
            FinishedAt = TruncateToSecond(DateTime.UtcNow),
            Status = error is not null ? RunStatus.Failed : _run.RowsRejected > 0 ? RunStatus.PartiallySucceeded : RunStatus.Succeeded,
            Error = error ?? _run.Error,
            WatermarkTo = to,
        };
        // Recording the outcome must not be lost to the caller's cancellation.
        await _store.SaveRunAsync(_run, CancellationToken.None);
        return _run;
    }

    /// <summary>Notes transient faults that were retried, for the run's record.</summary>
    public void Note(string message) => _run = _run with { Error = _run.Error.Length == 0 ? message : _run.Error + "; " + message };

    private static DateTime TruncateToSecond(DateTime t) => t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));
}
