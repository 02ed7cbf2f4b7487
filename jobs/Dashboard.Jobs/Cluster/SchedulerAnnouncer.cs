using Quartz;

namespace Dashboard.Jobs.Cluster;

/// <summary>Logs at start-up which scheduler instance this process is and on what store: the id its runs record as owner.</summary>
public sealed class SchedulerAnnouncer(ISchedulerFactory factory, JobStoreOptions options, ILogger<SchedulerAnnouncer> log) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        log.LogInformation("Quartz scheduler {SchedulerName} instance {InstanceId}, job store {Store}",
            scheduler.SchedulerName, scheduler.SchedulerInstanceId, options.Describe());
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
