using Dashboard.Reports;
using Dashboard.Reports.Delivery;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dashboard.Jobs.Reports;

/// <summary>
/// Generates and delivers one city's bulletin. Each city is its own job key and Quartz never runs two
/// instances of one key at once, so two generations of a city cannot take the same number here.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ReportJob(ReportPublisher publisher, ILogger<ReportJob> log) : IJob
{
    /// <summary>Job data key holding the city code.</summary>
    public const string CityKey = "city";

    /// <summary>Job data key holding an explicit as-of date (yyyy-MM-dd); absent for scheduled runs.</summary>
    public const string AsOfKey = "asOf";

    /// <summary>The name reports made by the schedule carry as their generator.</summary>
    public const string GeneratedBy = "report-job";

    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var city = context.MergedJobDataMap.GetString(CityKey) ?? "";
        var asOf = context.MergedJobDataMap.GetString(AsOfKey) is { Length: > 0 } given
            ? DateOnly.ParseExact(given, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : AsOfFor(context.ScheduledFireTimeUtc ?? context.FireTimeUtc);
        var published = await publisher.PublishAsync(city, asOf, GeneratedBy, cancellationToken);
        var s = published.Report.Snapshot;
        log.LogInformation("Report {ReportId} {Number} for {City} as of {AsOf:yyyy-MM-dd}: {Rows} rows, {Lagging} lagging; mail {Mail}",
            s.Id, s.NumberLabel, city, asOf, s.Rows.Count, s.Lagging.Count,
            published.Mail.Sent ? "sent" : published.Mail.Skipped ? "not configured" : "failed: " + published.Mail.Error);
    }

    /// <summary>
    /// A scheduled run reports as of the day before its scheduled time in China: the 1st of a month gives the
    /// previous month's last day. The scheduled (not actual) time counts, so a run fired late after downtime
    /// still reports the period it was meant for.
    /// </summary>
    public static DateOnly AsOfFor(DateTimeOffset scheduledUtc) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(scheduledUtc, China).DateTime).AddDays(-1);
}

/// <summary>Registers the report jobs: one durable job per configured city, with the configured cron.</summary>
public static class ReportScheduling
{
    /// <summary>The job key of a city's report job.</summary>
    public static JobKey KeyOf(string city) => new(city, "report");

    /// <summary>Adds the report services (the hosts share ReportPublisher) to the container.</summary>
    public static IServiceCollection AddReportServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportOptions>().Bind(configuration.GetSection(ReportOptions.Section))
            .Validate(o => CronExpression.TryParse(o.Cron, out _), "Reports:Cron is not a valid Quartz cron expression.")
            .Validate(o => o.Cities.All(c => !string.IsNullOrWhiteSpace(c)), "Reports:Cities holds an empty city code.")
            .ValidateOnStart();
        services.AddSingleton<Dashboard.Reports.Storage.ReportStore>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<ReportMailer>();
        services.AddSingleton<ReportPublisher>();
        return services;
    }

    /// <summary>One job and one cron trigger (China time) per city of Reports:Cities.</summary>
    public static void AddReportJobs(this IQuartzBuilder q, IConfiguration configuration, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(q);
        var options = new ReportOptions();
        configuration.GetSection(ReportOptions.Section).Bind(options);
        if (!CronExpression.TryParse(options.Cron, out _)) return; // ValidateOnStart stops the host with the reason
        foreach (var city in options.Cities.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).Distinct(StringComparer.Ordinal))
        {
            var key = KeyOf(city);
            q.AddJob<ReportJob>(j => j.WithIdentity(key).StoreDurably().UsingJobData(ReportJob.CityKey, city));
            // A monthly bulletin missed while the host was down is made once when it is back, for the period
            // it was scheduled for (ReportJob.AsOfFor uses the scheduled time), not skipped until next month.
            q.AddTrigger(t => t.ForJob(key).WithIdentity(city + "-schedule", "report")
                .WithCronSchedule(options.Cron, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
        }
    }
}
