using Dashboard.Data.Ingestion;
using Quartz;

namespace Dashboard.Jobs.Pulls;

/// <summary>
/// Pulls one HTTP source. Quartz never runs two instances of one job key at once, and each source is its
/// own job key, so a source is never pulled twice at the same time while different sources run in parallel.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PullJob(SourceRegistry registry, PullService pulls, IngestionStore store, CircuitBreaker breaker, TimeProvider clock, ILogger<PullJob> log) : IJob
{
    /// <summary>Job data key holding the source id.</summary>
    public const string SourceKey = "sourceId";

    /// <summary>Job data key set to "Manual" by run-now requests.</summary>
    public const string TriggerKey = "trigger";

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sourceId = context.MergedJobDataMap.GetString(SourceKey) ?? "";
        var source = registry.Find(sourceId);
        if (source is null)
        {
            log.LogWarning("Pull job for unknown source {SourceId} ignored", sourceId);
            return;
        }
        var trigger = context.MergedJobDataMap.GetString(TriggerKey) == nameof(RunTrigger.Manual) ? RunTrigger.Manual : RunTrigger.Schedule;
        if (trigger == RunTrigger.Schedule && breaker.OpenUntil(source.Id) is { } until)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await store.SaveRunAsync(new PullRun
            {
                Id = Guid.NewGuid().ToString("N"), SourceId = source.Id, Trigger = trigger, StartedAt = now, FinishedAt = now,
                Status = RunStatus.Skipped, Error = $"circuit open after repeated failures until {until:yyyy-MM-dd HH:mm:ss} UTC",
            }, cancellationToken);
            log.LogInformation("Skipped {SourceId}: circuit open until {Until}", source.Id, until);
            return;
        }
        var run = await pulls.PullAsync(SourceRegistry.ToFeed(source), trigger, cancellationToken);
        breaker.Record(source.Id, run.Status != RunStatus.Failed);
        log.LogInformation("Pulled {SourceId}: {Status}, {Loaded} loaded, {Rejected} rejected, {Retries} retries {Error}",
            source.Id, run.Status, run.RowsLoaded, run.RowsRejected, run.Retries, run.Error);
    }
}

/// <summary>Loads the files waiting in a File source's drop folder, one by one, and moves each to done/ or failed/.</summary>
[DisallowConcurrentExecution]
public sealed class DropFolderJob(SourceRegistry registry, PullService pulls, FileFeedOptions fileOptions, TimeProvider clock, ILogger<DropFolderJob> log) : IJob
{
    // A file still being written must not be loaded half: only files untouched for this long are taken.
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var source = registry.Find(context.MergedJobDataMap.GetString(PullJob.SourceKey) ?? "");
        if (source?.DropFolder is not { } folder || !Directory.Exists(folder)) return;
        foreach (var path in Directory.EnumerateFiles(folder).Where(IsFeedFile).Order(StringComparer.Ordinal).ToList())
        {
            if (clock.GetUtcNow().UtcDateTime - File.GetLastWriteTimeUtc(path) < Settled) continue;
            PullRun run;
            await using (var file = File.OpenRead(path))
                (run, _) = await pulls.LoadFileAsync(source.Id, source.RegionCode, file, path, RunTrigger.DropFolder, fileOptions, cancellationToken);
            var target = Path.Combine(folder, run.Status == RunStatus.Failed ? "failed" : "done");
            Directory.CreateDirectory(target);
            File.Move(path, Path.Combine(target, $"{run.Id}-{Path.GetFileName(path)}"));
            log.LogInformation("Loaded {File} for {SourceId}: {Status}, {Loaded} loaded, {Rejected} rejected {Error}",
                Path.GetFileName(path), source.Id, run.Status, run.RowsLoaded, run.RowsRejected, run.Error);
        }
    }

    private static bool IsFeedFile(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".xlsx";
}

/// <summary>Starts the pull job of every source someone asked to run now through the api.</summary>
[DisallowConcurrentExecution]
public sealed class RunRequestJob(IngestionStore store, SourceRegistry registry, ILogger<RunRequestJob> log) : IJob
{
    private static readonly HashSet<string> Seen = new(StringComparer.Ordinal);
    // Requests older than this when the host starts are stale: the schedule has caught up since.
    private static DateTime s_since = DateTime.UtcNow.AddMinutes(-5);

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var request in await store.GetRunRequestsAsync(s_since, cancellationToken))
        {
            if (!Seen.Add(request.Id)) continue;
            s_since = request.RequestedAt > s_since ? request.RequestedAt : s_since;
            if (registry.Find(request.SourceId) is not { Kind: SourceKind.Http })
            {
                log.LogWarning("Run-now request {RequestId} names no HTTP source ({SourceId})", request.Id, request.SourceId);
                continue;
            }
            await context.Scheduler.TriggerJob(new JobKey(request.SourceId, "pull"),
                new JobDataMap { [PullJob.TriggerKey] = nameof(RunTrigger.Manual) }, cancellationToken);
            log.LogInformation("Run-now request {RequestId} by {By}: started {SourceId}", request.Id, request.RequestedBy, request.SourceId);
        }
    }
}
