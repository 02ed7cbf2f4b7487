using System.Globalization;
using Dashboard.Data.Ingestion;
using Quartz;

namespace Dashboard.Jobs.Cluster;

/// <summary>The run sweeper's settings (configuration section <c>Runs</c>).</summary>
public sealed class RunSweeperOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Runs";

    /// <summary>
    /// A run must have been Running at least this long before the sweeper looks at its owner (default 10 minutes):
    /// a margin for clocks that disagree and for runs recorded before owners were (those have none and are
    /// failed once past it).
    /// </summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the sweeper runs (default every minute; also once at start-up).</summary>
    public TimeSpan SweepEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Reads and checks the section.</summary>
    public static RunSweeperOptions From(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = config.GetSection(Section).Get<RunSweeperOptions>() ?? new RunSweeperOptions();
        if (options.AbandonAfter < TimeSpan.Zero) throw new InvalidOperationException("Runs:AbandonAfter must not be negative.");
        if (options.SweepEvery < TimeSpan.FromSeconds(1)) throw new InvalidOperationException("Runs:SweepEvery must be at least 1 s.");
        return options;
    }
}

/// <summary>
/// Ends the runs whose process died: a pull killed mid-way leaves its pull_runs row Running for ever. A run
/// Running for longer than <see cref="RunSweeperOptions.AbandonAfter"/> whose owner (the Quartz instance that
/// started it) is no longer a live node becomes Failed, with a reason, finished at its last sign of life.
/// Live nodes are what the job store says: in a cluster every node that has not been declared failed (the
/// same boundary at which Quartz takes over its firings), otherwise only this process. A live node's runs are
/// never touched, however long they take; the api's uploads (no owner, their process unknown here) neither.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RunSweeperJob(IngestionStore store, RunSweeperOptions options, TimeProvider clock, ILogger<RunSweeperJob> log) : IJob
{
    /// <summary>The sweeper's job key.</summary>
    public static readonly JobKey Key = new("run-sweeper", "system");

    /// <summary>Registers the job and its trigger: at start-up, then every <see cref="RunSweeperOptions.SweepEvery"/>.</summary>
    public static void Schedule(IQuartzBuilder q, RunSweeperOptions options)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(options);
        q.AddJob<RunSweeperJob>(j => j.WithIdentity(Key).StoreDurably());
        q.AddTrigger(t => t.ForJob(Key).WithIdentity("run-sweeper", "system").StartNow()
            .WithSimpleSchedule(s => s.WithInterval(options.SweepEvery).RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
    }

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await store.GetRunningRunsAsync(now - options.AbandonAfter, cancellationToken);
        if (candidates.Count == 0) return;
        var me = context.Scheduler.SchedulerInstanceId;
        // Read after the runs: a node that started a run after that read is in this list.
        var live = (await context.Scheduler.QueryClusterNodes(cancellationToken))
            .Where(n => n.IsCurrentNode || n.State != ClusterNodeState.Failed)
            .Select(n => n.InstanceId)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var running in candidates)
        {
            var run = running.Run;
            if (run.Trigger == RunTrigger.Upload && run.Owner.Length == 0) continue; // the api's, alive or not we cannot tell
            if (run.Owner.Length > 0 && live.Contains(run.Owner)) continue;
            var at = now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var reason = run.Owner.Length > 0
                ? $"abandoned: the jobs process running it (Quartz instance {run.Owner}) stopped before it finished; marked Failed by {me} at {at} UTC"
                : $"abandoned: still Running after {options.AbandonAfter} with no owner on record (its process is gone); marked Failed by {me} at {at} UTC";
            var swept = await store.AbandonRunAsync(running, reason, cancellationToken);
            log.LogWarning("Run {RunId} of {SourceId} (owner {Owner}, started {StartedAt:u}) was abandoned: marked Failed, finished at its last sign of life {FinishedAt:u}",
                run.Id, run.SourceId, run.Owner.Length > 0 ? run.Owner : "none", run.StartedAt, swept.FinishedAt);
        }
    }
}
