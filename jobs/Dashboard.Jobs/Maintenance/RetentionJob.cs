using Dashboard.Data.Scorecard;
using Dashboard.Security.Audit;
using Quartz;

namespace Dashboard.Jobs.Maintenance;

/// <summary>Retention settings: the audit trail's period comes from Security:AuditRetentionDays, the schedule from Retention:Cron.</summary>
/// <param name="AuditRetentionDays">Days audit events are kept (at least <see cref="AuditLog.MinimumRetentionDays"/>).</param>
/// <param name="Cron">When the retention runs (Quartz cron, China time).</param>
public sealed record RetentionSettings(int AuditRetentionDays, string Cron)
{
    /// <summary>Daily at 03:30 China time, when nobody reads the dashboards.</summary>
    public const string DefaultCron = "0 30 3 * * ?";

    /// <summary>Reads and checks the settings; a retention under 180 days or a bad cron stops the host at start.</summary>
    /// <exception cref="InvalidOperationException">A setting is out of range.</exception>
    public static RetentionSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var days = configuration.GetValue("Security:AuditRetentionDays", AuditLog.MinimumRetentionDays);
        if (days < AuditLog.MinimumRetentionDays)
            throw new InvalidOperationException(
                $"Security:AuditRetentionDays is {days}; the audit trail must be kept at least {AuditLog.MinimumRetentionDays} days (GB/T 22239-2019).");
        var cron = configuration["Retention:Cron"] is { Length: > 0 } c ? c : DefaultCron;
        if (!CronExpression.TryParse(cron, out _)) throw new InvalidOperationException($"Retention:Cron '{cron}' is not a valid Quartz cron expression.");
        return new RetentionSettings(days, cron);
    }
}

/// <summary>
/// Daily housekeeping: drops audit months older than the retention (never under 180 days; the drop itself is
/// audited) and scorecard result snapshots older than Scorecard:ResultRetentionDays.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(AuditLog audit, ScorecardResultStore results, RetentionSettings settings, ILogger<RetentionJob> log) : IJob
{
    /// <summary>The job key.</summary>
    public static readonly JobKey Key = new("retention", "system");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var months = await audit.DropExpiredPartitionsAsync(settings.AuditRetentionDays, new Actor("retention-job", "local"), cancellationToken);
        var days = await results.PruneAsync(cancellationToken);
        log.LogInformation("Retention: audit kept {Days} days, dropped months [{Months}]; dropped {Snapshots} daily scorecard result partitions",
            settings.AuditRetentionDays, string.Join(",", months), days);
    }
}
