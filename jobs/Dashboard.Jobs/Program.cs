using Dashboard.Data.Catalogue;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Scorecard;
using Dashboard.Jobs.Maintenance;
using Dashboard.Jobs.Reports;
using Dashboard.Security.Audit;
using Dashboard.Data.Storage;
using Dashboard.Jobs.Cluster;
using Dashboard.Jobs.Pulls;
using Microsoft.Extensions.Options;
using Quartz;

var builder = WebApplication.CreateBuilder(args);
var config = builder.Configuration;
var connectionString = config.GetConnectionString("ClickHouse");
if (string.IsNullOrWhiteSpace(connectionString))
    throw new InvalidOperationException("ConnectionStrings:ClickHouse is not set (environment variable ConnectionStrings__ClickHouse).");

builder.Services.AddSingleton(new ClickHouseDatabase(connectionString));
builder.Services.AddSingleton<CatalogueStore>();
builder.Services.AddSingleton<IngestionStore>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(config.GetSection("Feeds").Get<FeedReaderOptions>() ?? new FeedReaderOptions());
builder.Services.AddSingleton(config.GetSection("Uploads").Get<FileFeedOptions>() ?? new FileFeedOptions());
builder.Services.AddSingleton(config.GetSection("CircuitBreaker").Get<CircuitBreakerOptions>() ?? new CircuitBreakerOptions());
builder.Services.AddSingleton<CircuitBreaker>();
builder.Services.AddHttpClient<HttpFeedReader>();
builder.Services.AddTransient<PullService>();
// Crash tests only: Pulls:PauseAt stops every pull at a named point (see PauseProbe); unset, no probe exists.
if (config[PauseProbe.ConfigKey] is { Length: > 0 } pauseAt)
{
    if (!PullPoints.TryParse(pauseAt, out var point))
        throw new InvalidOperationException($"{PauseProbe.ConfigKey} '{pauseAt}' must be fetched, raw-written or stored.");
    builder.Services.AddSingleton<IPullProbe>(new PauseProbe(point));
}
builder.Services.AddSingleton<IValidateOptions<SourcesOptions>, SourcesValidator>();
builder.Services.AddSingleton<IValidateOptions<SourcesOptions>, CronValidator>();
builder.Services.AddOptions<SourcesOptions>().Bind(config.GetSection(SourcesOptions.Section)).ValidateOnStart();
builder.Services.AddSingleton<SourceRegistry>();
builder.Services.AddOptions<ScorecardOptions>().Bind(config.GetSection("Scorecard"));
builder.Services.AddSingleton<ScorecardEngine>();
builder.Services.AddSingleton<ScorecardResultStore>();
builder.Services.AddReportServices(config);
builder.Services.AddSingleton<AuditLog>();
var retention = RetentionSettings.From(config);
builder.Services.AddSingleton(retention);

// Jobs are declared from the configuration as read at start-up; a change of sources needs a restart.
var sources = config.GetSection(SourcesOptions.Section).Get<SourcesOptions>() ?? new SourcesOptions();
var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
// A fresh demo should not wait for the first cron slot: Pulls:RunOnStart fires every source once at start.
var runOnStart = config.GetValue("Pulls:RunOnStart", false);
// Quartz:Store Memory (default) or PostgreSql, Quartz:Clustered: see docs/jobs.md.
var jobStore = JobStoreOptions.From(config);
var sweeper = RunSweeperOptions.From(config);
var runRequests = config.GetSection("RunRequests").Get<RunRequestOptions>() ?? new RunRequestOptions();
builder.Services.AddSingleton(jobStore);
builder.Services.AddSingleton(sweeper);
builder.Services.AddSingleton(runRequests);
builder.Services.AddHostedService<SchedulerAnnouncer>();
builder.Services.AddQuartz(q =>
{
    jobStore.Apply(q, config);
    foreach (var source in sources.Items.Where(s => !string.IsNullOrWhiteSpace(s.Id)))
    {
        var key = new JobKey(source.Id, "pull");
        // RequestRecovery: in a cluster, a pull whose node dies is run again by another node.
        if (source.Kind == SourceKind.Http) q.AddJob<PullJob>(j => j.WithIdentity(key).StoreDurably().RequestRecovery().UsingJobData(PullJob.SourceKey, source.Id));
        else q.AddJob<DropFolderJob>(j => j.WithIdentity(key).StoreDurably().UsingJobData(PullJob.SourceKey, source.Id));
        if (!source.Enabled || !CronExpression.TryParse(source.Cron, out _)) continue;
        // After downtime a missed firing is not replayed: the next pull starts from the watermark and
        // catches up anyway, so firing every missed slot at once would only stampede the district systems.
        q.AddTrigger(t => t.ForJob(key).WithIdentity(source.Id + "-schedule", "pull")
            .WithCronSchedule(source.Cron, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
        if (runOnStart) q.AddTrigger(t => t.ForJob(key).WithIdentity(source.Id + "-start", "pull").StartNow());
    }
    var requests = new JobKey("run-requests", "system");
    q.AddJob<RunRequestJob>(j => j.WithIdentity(requests).StoreDurably());
    q.AddTrigger(t => t.ForJob(requests).WithIdentity("run-requests", "system")
        .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(runRequests.PollSeconds)).RepeatForever()
            .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
    RunSweeperJob.Schedule(q, sweeper);
    q.AddReportJobs(config, zone);
    q.AddJob<RetentionJob>(j => j.WithIdentity(RetentionJob.Key).StoreDurably());
    q.AddTrigger(t => t.ForJob(RetentionJob.Key).WithIdentity("retention-schedule", "system")
        .WithCronSchedule(retention.Cron, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
});
builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

var app = builder.Build();
app.MapGet("/health", async (ISchedulerFactory factory, SourceRegistry registry, CancellationToken ct) =>
{
    var scheduler = await factory.GetScheduler(ct);
    return Results.Json(new
    {
        status = scheduler.Status == SchedulerStatus.Running ? "Healthy" : "Unhealthy",
        instance = scheduler.SchedulerInstanceId,
        sources = registry.All.Count,
        scheduled = registry.All.Count(s => s.Enabled),
    }, statusCode: scheduler.Status == SchedulerStatus.Running ? 200 : 503);
});
await app.RunAsync();

/// <summary>Checks each source's cron with Quartz's own parser, naming the source.</summary>
internal sealed class CronValidator : IValidateOptions<SourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, SourcesOptions options)
    {
        var errors = options.Items.Select((s, i) => (s, i))
            .Where(x => x.s.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is >= 6 and <= 7 && !CronExpression.TryParse(x.s.Cron, out _))
            .Select(x => $"Sources:Items:{x.i} ({x.s.Id}): Cron '{x.s.Cron}' is not a valid Quartz cron expression.")
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Entry point, public so integration tests can host the jobs.</summary>
public partial class Program;
