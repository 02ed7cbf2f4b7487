using System.Globalization;
using Quartz;

namespace Dashboard.Jobs.Cluster;

/// <summary>Where Quartz keeps its jobs, triggers and firings.</summary>
public enum JobStoreKind
{
    /// <summary>In memory: one process, nothing survives a restart (the default).</summary>
    Memory,
    /// <summary>PostgreSQL (<c>ConnectionStrings:Quartz</c>): survives restarts, and several processes can share it as a cluster.</summary>
    PostgreSql,
}

/// <summary>
/// The jobs host's scheduler and job store (configuration section <c>Quartz</c>). With <c>Store = PostgreSql</c>
/// and <c>Clustered = true</c> every jobs process sharing the database is a node of one cluster: each firing
/// runs on exactly one node, a job that disallows concurrent execution runs on one node at a time, and the
/// firings of a node that stops checking in are taken over by another.
/// </summary>
public sealed class JobStoreOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Quartz";

    /// <summary>The connection string's name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "Quartz";

    /// <summary>Memory (default) or PostgreSql.</summary>
    public JobStoreKind Store { get; set; } = JobStoreKind.Memory;

    /// <summary>Takes part in a cluster with every other jobs process on the same PostgreSQL job store (PostgreSql only).</summary>
    public bool Clustered { get; set; }

    /// <summary>The scheduler's name: nodes of one cluster share it (and with it the rows of the job store).</summary>
    public string SchedulerName { get; set; } = "dashboard-jobs";

    /// <summary>This node's id, unique in the cluster; <c>AUTO</c> (default) generates one at start-up (host name and time).</summary>
    public string InstanceId { get; set; } = "AUTO";

    /// <summary>How often a node records in the job store that it is alive (default 7.5 s).</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>
    /// How long past a missed check-in the other nodes wait before declaring a node dead and taking over its
    /// firings (default 7.5 s). A dead node's pull is taken over after about CheckinInterval + this.
    /// </summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>How late a trigger may fire before it counts as misfired and its misfire instruction applies (default 60 s).</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The job store's table prefix (default <c>qrtz_</c>).</summary>
    public string TablePrefix { get; set; } = "qrtz_";

    /// <summary>Reads and checks the section; throws naming the key when the configuration cannot work.</summary>
    public static JobStoreOptions From(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = config.GetSection(Section).Get<JobStoreOptions>() ?? new JobStoreOptions();
        if (options.Store == JobStoreKind.Memory && options.Clustered)
            throw new InvalidOperationException("Quartz:Clustered needs a shared job store: set Quartz:Store to PostgreSql and ConnectionStrings:Quartz.");
        if (options.Store == JobStoreKind.PostgreSql && string.IsNullOrWhiteSpace(config.GetConnectionString(ConnectionStringName)))
            throw new InvalidOperationException("Quartz:Store is PostgreSql but ConnectionStrings:Quartz is not set (environment variable ConnectionStrings__Quartz).");
        if (options.CheckinInterval < TimeSpan.FromMilliseconds(100) || options.CheckinMisfireThreshold < TimeSpan.FromMilliseconds(100))
            throw new InvalidOperationException("Quartz:CheckinInterval and Quartz:CheckinMisfireThreshold must be at least 100 ms.");
        if (options.MisfireThreshold < TimeSpan.FromSeconds(1))
            throw new InvalidOperationException("Quartz:MisfireThreshold must be at least 1 s.");
        if (string.IsNullOrWhiteSpace(options.SchedulerName) || string.IsNullOrWhiteSpace(options.InstanceId))
            throw new InvalidOperationException("Quartz:SchedulerName and Quartz:InstanceId must not be empty.");
        return options;
    }

    /// <summary>A line for the start-up log.</summary>
    public string Describe() => Store == JobStoreKind.Memory
        ? "in memory"
        : Clustered
            ? string.Create(CultureInfo.InvariantCulture, $"PostgreSQL, clustered (check-in every {CheckinInterval.TotalSeconds:0.###} s, a node silent {CheckinMisfireThreshold.TotalSeconds:0.###} s longer is taken over)")
            : "PostgreSQL, not clustered";

    /// <summary>Configures the scheduler and its store on Quartz's builder.</summary>
    public void Apply(IQuartzBuilder q, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(config);
        q.ConfigureScheduler(s =>
        {
            s.InstanceName = SchedulerName;
            // Every process gets an id of its own, unclustered too (Quartz would call each NON_CLUSTERED): runs
            // record it as their owner (pull_runs.owner), and the run sweeper tells a live owner from a dead one by it.
            if (!string.Equals(InstanceId, "AUTO", StringComparison.OrdinalIgnoreCase)) s.InstanceId = InstanceId;
            else if (Clustered) s.GenerateInstanceId = true;
            else s.InstanceId = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}-{DateTime.UtcNow:yyyyMMddHHmmssfff}");
        });
        if (Store == JobStoreKind.Memory)
        {
            q.UseInMemoryStore(m => m.MisfireThreshold = MisfireThreshold);
            return;
        }
        var connectionString = config.GetConnectionString(ConnectionStringName)!;
        q.UsePersistentStore(s =>
        {
            s.UsePostgres(connectionString);
            // Quartz creates its tables (its own create_postgres.sql: CREATE … IF NOT EXISTS only) when missing.
            s.ProvisionSchema();
            s.ConfigureStore(o =>
            {
                o.MisfireThreshold = MisfireThreshold;
                o.TablePrefix = TablePrefix;
            });
            if (Clustered)
            {
                s.UseClustering(c =>
                {
                    c.CheckinInterval = CheckinInterval;
                    c.CheckinMisfireThreshold = CheckinMisfireThreshold;
                });
            }
        });
    }
}
