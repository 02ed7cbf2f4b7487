using Dashboard.Data.Ingestion;
using Quartz;

namespace Dashboard.Jobs.Pulls;

/// <summary>
/// Pulls one HTTP source. Quartz never runs two instances of one job key at once, and each source is its
/// own job key, so a source is never pulled twice at the same time while different sources run in parallel.
/// In a cluster that holds across nodes (the shared job store blocks the job's other triggers while one node
/// runs it), and the job requests recovery: when the node running a pull dies, another node runs it again.
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
        var owner = context.Scheduler.SchedulerInstanceId;
        if (context.Recovering)
            log.LogWarning("Taking over the pull of {SourceId}: the node running it ({Trigger}) stopped checking in", source.Id, context.RecoveringTriggerKey);
        var run = await pulls.PullAsync(SourceRegistry.ToFeed(source), trigger, owner, cancellationToken);
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
                (run, _) = await pulls.LoadFileAsync(source.Id, source.RegionCode, file, path, RunTrigger.DropFolder, fileOptions, cancellationToken,
                    context.Scheduler.SchedulerInstanceId);
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

/// <summary>The run-now poller's settings (configuration section <c>RunRequests</c>).</summary>
public sealed class RunRequestOptions
{
    /// <summary>Seconds between polls (default 3).</summary>
    public int PollSeconds { get; set; } = 3;

    /// <summary>Requests older than this are stale and never started: the schedule has caught up since (default 5 minutes).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Starts the pull job of every source someone asked to run now through the api, once per request however
/// many jobs processes poll: a handled request is claimed in run_request_claims, and the poller disallows
/// concurrent execution, which a clustered job store enforces across nodes, so no two nodes read the
/// unclaimed requests at the same time. A process that dies between starting a pull and claiming its request
/// leaves it unclaimed, and the next poll starts it again (a second pull, never a concurrent one).
/// </summary>
[DisallowConcurrentExecution]
public sealed class RunRequestJob(IngestionStore store, SourceRegistry registry, RunRequestOptions options, TimeProvider clock, ILogger<RunRequestJob> log) : IJob
{
    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var me = context.Scheduler.SchedulerInstanceId;
        foreach (var request in await store.GetUnclaimedRunRequestsAsync(clock.GetUtcNow().UtcDateTime - options.MaxAge, cancellationToken))
        {
            if (registry.Find(request.SourceId) is not { Kind: SourceKind.Http })
            {
                log.LogWarning("Run-now request {RequestId} names no HTTP source ({SourceId})", request.Id, request.SourceId);
                await store.ClaimRunRequestAsync(request, me, "Ignored: no HTTP source of that id", cancellationToken);
                continue;
            }
            await context.Scheduler.TriggerJob(new JobKey(request.SourceId, "pull"),
                new JobDataMap { [PullJob.TriggerKey] = nameof(RunTrigger.Manual) }, cancellationToken);
            await store.ClaimRunRequestAsync(request, me, "Triggered", cancellationToken);
            log.LogInformation("Run-now request {RequestId} by {By}: started {SourceId}", request.Id, request.RequestedBy, request.SourceId);
        }
    }
}
