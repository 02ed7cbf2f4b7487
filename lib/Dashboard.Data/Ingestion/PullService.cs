using Dashboard.Data.Catalogue;

namespace Dashboard.Data.Ingestion;

/// <summary>A district system the platform pulls from (configuration; the secret never leaves the process).</summary>
public sealed record FeedSource(string Id, string RegionCode, Uri? Url, string Secret);

/// <summary>
/// Runs pulls and file loads end to end: start the run, stream batches through validation into
/// ClickHouse, record the outcome, and move the source's watermark only after its rows are stored.
/// An optional <see cref="IPullProbe"/> is told when a pull reaches each <see cref="PullPoint"/> (crash tests only).
/// </summary>
public sealed class PullService(IngestionStore store, CatalogueStore catalogue, HttpFeedReader feeds, TimeProvider clock, IPullProbe? probe = null)
{
    // Rows gathered before a pull writes them: large enough that INSERTs are few, small enough that memory
    // stays bounded (~10 MB of validated rows).
    private const int PullFlushRows = 50_000;

    // A long pull rewrites its Running record this often (at a page boundary): the run's last sign of life,
    // which is where the run sweeper ends it if its process dies.
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(15);

    /// <summary>Pulls everything the source updated since its watermark.</summary>
    public Task<PullRun> PullAsync(FeedSource source, RunTrigger trigger, CancellationToken ct) => PullAsync(source, trigger, "", ct);

    /// <summary>Pulls everything the source updated since its watermark, recording the run as <paramref name="owner"/>'s (a Quartz instance id).</summary>
    public async Task<PullRun> PullAsync(FeedSource source, RunTrigger trigger, string owner, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Url is null) throw new ArgumentException($"Source {source.Id} has no URL to pull from.", nameof(source));
        var watermark = await store.GetWatermarkAsync(source.Id, ct);
        var session = await IngestionSession.StartAsync(store, catalogue, source.Id, source.RegionCode, trigger, Today(), watermark, "", ct, PullFlushRows, owner);
        session.Probe = probe;
        try
        {
            var saved = clock.GetUtcNow();
            await foreach (var page in feeds.ReadAsync(source.Url, source.Secret, watermark, ct))
            {
                if (probe is not null) await probe.ReachedAsync(PullPoint.Fetched, session.Run, ct);
                await session.AddBatchAsync(page.Rows, ct);
                session.CountPage(page.Retries);
                foreach (var fault in page.Faults.Distinct(StringComparer.Ordinal)) session.Note("retried: " + fault);
                if (clock.GetUtcNow() - saved >= ProgressEvery)
                {
                    await session.SaveProgressAsync(ct);
                    saved = clock.GetUtcNow();
                }
            }
            await session.StoreAllAsync(ct);
            if (probe is not null) await probe.ReachedAsync(PullPoint.Stored, session.Run, ct);
        }
        catch (Exception e) when (e is FeedException or System.Data.Common.DbException or OperationCanceledException)
        {
            var reason = e is OperationCanceledException ? "cancelled before the pull finished" : e.Message;
            return await session.CompleteAsync(reason, moveWatermark: false, CancellationToken.None);
        }
        return await session.CompleteAsync(null, moveWatermark: true, ct);
    }

    /// <summary>
    /// Loads a CSV or XLSX file for a source: a file refused as a whole loads nothing and records a
    /// failed run; otherwise every row is either stored or quarantined with its reason.
    /// </summary>
    public async Task<(PullRun Run, IReadOnlyList<RowResult> Rows)> LoadFileAsync(
        string sourceId, string? regionScope, Stream file, string fileName, RunTrigger trigger, FileFeedOptions options, CancellationToken ct,
        string owner = "")
    {
        var session = await IngestionSession.StartAsync(store, catalogue, sourceId, regionScope, trigger, Today(), null, Path.GetFileName(fileName), ct, owner: owner);
        IReadOnlyList<IReadOnlyList<FeedRow>> batches;
        try
        {
            batches = FileFeedReader.Read(file, fileName, options);
        }
        catch (FileFeedException e)
        {
            return (await session.CompleteAsync(e.Message, moveWatermark: false, CancellationToken.None), []);
        }
        var results = new List<RowResult>();
        try
        {
            foreach (var batch in batches) results.AddRange(await session.AddBatchAsync(batch, ct));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException)
        {
            // Rows up to here are stored and recorded; the run says where it stopped.
            var reason = $"stopped after {results.Count} rows: " + (e is OperationCanceledException ? "cancelled" : e.Message);
            return (await session.CompleteAsync(reason, moveWatermark: false, CancellationToken.None), results);
        }
        return (await session.CompleteAsync(null, moveWatermark: false, ct), results);
    }

    // The pull date is China's calendar day: a period "after the pull date" is judged there.
    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
}
