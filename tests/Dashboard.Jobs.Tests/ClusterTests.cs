using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;
using Dashboard.Data.Ingestion;
using Npgsql;
using Xunit.Abstractions;

namespace Dashboard.Jobs.Tests;

/// <summary>
/// The simulator and a fresh ClickHouse database (as <see cref="SimulatorFixture"/>) plus a fresh database on
/// the throwaway PostgreSQL that scripts/test.sh starts (DASHBOARD_TEST_POSTGRES), for Quartz's clustered job store.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>The environment variable scripts/test.sh sets.</summary>
    public const string EnvironmentVariable = "DASHBOARD_TEST_POSTGRES";

    private string? _database;

    public SimulatorFixture Simulator { get; } = new();

    /// <summary>The job store's database.</summary>
    public string QuartzConnectionString { get; private set; } = "";

    private static string Server => Environment.GetEnvironmentVariable(EnvironmentVariable)
        ?? throw new InvalidOperationException($"{EnvironmentVariable} is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL and sets it.");

    public async Task InitializeAsync()
    {
        _database = "jobs_" + Guid.NewGuid().ToString("N")[..10];
        await using (var c = new NpgsqlConnection(Server))
        {
            await c.OpenAsync();
            await c.ExecuteAsync($"CREATE DATABASE {_database}");
        }
        QuartzConnectionString = new NpgsqlConnectionStringBuilder(Server) { Database = _database }.ConnectionString;
        await Simulator.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Simulator.DisposeAsync();
        if (_database is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var c = new NpgsqlConnection(Server);
        await c.OpenAsync();
        await c.ExecuteAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }

    /// <summary>Starts one node of the cluster: a jobs host on the shared job store with fast check-ins and sweeps.</summary>
    public ChildProcess StartNode(IReadOnlyList<JobsSource> sources, IReadOnlyDictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__Quartz"] = QuartzConnectionString,
            ["Quartz__Store"] = "PostgreSql",
            ["Quartz__Clustered"] = "true",
            // A dead node is declared so after about 1 s + 2 s of silence; production keeps the defaults (7.5 s each).
            ["Quartz__CheckinInterval"] = "00:00:01",
            ["Quartz__CheckinMisfireThreshold"] = "00:00:02",
            ["RunRequests__PollSeconds"] = "1",
            ["Runs__AbandonAfter"] = "00:00:00",
            ["Runs__SweepEvery"] = "00:00:01",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) env[k] = v;
        return Simulator.StartJobs(sources, runOnStart: false, extra: env);
    }

    /// <summary>Starts a node and waits until it runs; returns it with its Quartz instance id.</summary>
    public async Task<(ChildProcess Node, string InstanceId)> StartNodeAsync(IReadOnlyList<JobsSource> sources, IReadOnlyDictionary<string, string>? extra = null)
    {
        var node = StartNode(sources, extra);
        try
        {
            await node.WaitForLineAsync("Application started", TimeSpan.FromSeconds(60));
            var id = Regex.Match(node.Output, @"Quartz scheduler dashboard-jobs instance (\S+), job store PostgreSQL, clustered");
            if (!id.Success) throw new InvalidOperationException("The node did not say its instance id:\n" + node.Output);
            return (node, id.Groups[1].Value);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public async Task<NpgsqlConnection> OpenQuartzAsync()
    {
        var c = new NpgsqlConnection(QuartzConnectionString);
        await c.OpenAsync();
        return c;
    }
}

/// <summary>A run as the cluster tests check it: who ran it and when.</summary>
public sealed record ClusterRun(string Id, string Status, string Trigger, DateTime StartedAt, DateTime? FinishedAt, string Owner, ulong RowsLoaded, string Error);

/// <summary>
/// Two jobs processes as one Quartz cluster on PostgreSQL, sharing one ClickHouse database: the process
/// running a pull is SIGKILLed mid-way and the other takes the source over; no source is ever pulled by
/// both at once, no run is lost and the data is what one process stores.
/// </summary>
public sealed class ClusterTests(ClusterFixture fx, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    // The largest of the simulator's counties (2,000-odd rows): at 100 rows a page and 400 ms a page, a pull
    // takes about 9 s, so it is killed well inside it.
    private const string Slow = "320585-edu";
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_node_killed_mid_pull_is_taken_over_and_no_source_is_ever_pulled_twice_at_once()
    {
        var sim = fx.Simulator;
        await SetLatencyAsync(Slow, 400);
        JobsSource[] sources = [sim.Source(Slow)];
        var extra = new Dictionary<string, string> { ["Feeds__PageSize"] = "100" };

        // One node first: it creates Quartz's tables (two first starts at once would race to create them).
        var (a, idA) = await fx.StartNodeAsync(sources, extra);
        await using var nodeA = a;
        var (b, idB) = await fx.StartNodeAsync(sources, extra);
        await using var nodeB = b;
        var nodes = new Dictionary<string, ChildProcess>(StringComparer.Ordinal) { [idA] = nodeA, [idB] = nodeB };
        Assert.NotEqual(idA, idB);

        using var sampling = new CancellationTokenSource();
        var sampler = SampleFiringsAsync(Slow, sampling.Token);
        try
        {
            var store = new IngestionStore(sim.Database);
            var first = await store.RequestRunAsync(Slow, "cluster-tests", CancellationToken.None);

            // The pull is under way on one of the nodes (whichever took the request's trigger): let it get well into its pages.
            var killed = await WaitAsync(async () => (await RunsAsync(Slow)).FirstOrDefault(r => r.Status == "Running" && r.StartedAt <= DateTime.UtcNow.AddSeconds(-3)),
                "a pull running for 3 s", nodes.Values);
            Assert.True(nodes.ContainsKey(killed.Owner), $"run {killed.Id} is owned by '{killed.Owner}', neither {idA} nor {idB}");
            // A second request while it runs: claimed once by whichever node polls, its pull waits (the job disallows concurrency).
            var second = await store.RequestRunAsync(Slow, "cluster-tests", CancellationToken.None);
            await WaitAsync(async () => await ClaimCountAsync(second) > 0 ? "claimed" : null, "the second request claimed", nodes.Values);

            var victim = nodes[killed.Owner];
            var survivorId = nodes.Keys.Single(k => k != killed.Owner);
            var survivor = nodes[survivorId];
            var rawBefore = await sim.ScalarAsync<ulong>("SELECT count() FROM observations_raw WHERE run_id = @Id", new { killed.Id });
            var clock = Stopwatch.StartNew();
            await victim.KillAsync();

            // The survivor declares the victim dead and runs the pull again (recovery), then the second request's.
            var takeover = await WaitAsync(async () => (await RunsAsync(Slow)).FirstOrDefault(r => r.Owner == survivorId), "the survivor's run", [survivor]);
            var takenOverAfter = clock.Elapsed;
            await WaitAsync(async () =>
            {
                var runs = await RunsAsync(Slow);
                return runs.Count(r => r.Status == "Succeeded") >= 2 && runs.All(r => r.Status != "Running") ? runs : null;
            }, "two pulls succeeded and none Running", [survivor]);
            var settledAfter = clock.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(2)); // nothing else is due: anything more would be a duplicate
            sampling.Cancel();
            var firings = await sampler;

            var runs = await RunsAsync(Slow);
            var report = string.Join("\n", runs.Select(r => $"{r.Id} {r.Status} {r.Trigger} {r.StartedAt:HH:mm:ss}-{r.FinishedAt:HH:mm:ss} {r.Owner} {r.RowsLoaded} {r.Error}"));
            output.WriteLine($"nodes {idA}, {idB}; killed {killed.Owner} with {rawBefore} rows of its run written; " +
                $"the survivor's run started {takenOverAfter.TotalSeconds:F1} s after the kill; all settled after {settledAfter.TotalSeconds:F1} s\n{report}");
            output.WriteLine($"fired-trigger samples: {firings.Samples}, at most {firings.MaxExecuting} executing at once, executing on {string.Join(", ", firings.Instances)}");

            // Taken over: the survivor ran the source to completion.
            Assert.Contains(runs, r => r.Owner == survivorId && r.Status == "Succeeded");
            Assert.True(takeover.StartedAt >= killed.StartedAt);
            // No run lost: the killed run is Failed with the reason, the rest succeeded; one run per request plus the recovery.
            var abandoned = Assert.Single(runs, r => r.Id == killed.Id);
            Assert.Equal("Failed", abandoned.Status);
            Assert.Contains("abandoned", abandoned.Error, StringComparison.Ordinal);
            Assert.Contains(killed.Owner, abandoned.Error, StringComparison.Ordinal);
            Assert.All(runs.Where(r => r.Id != killed.Id), r => Assert.Equal("Succeeded", r.Status));
            Assert.Equal(3, runs.Count);
            Assert.Equal(1UL, await ClaimCountAsync(first));
            Assert.Equal(1UL, await ClaimCountAsync(second));
            // Never two at once: the runs' intervals follow one another, and Quartz never had two firings of the job executing.
            for (var i = 1; i < runs.Count; i++)
                Assert.True(runs[i - 1].FinishedAt <= runs[i].StartedAt, $"runs {runs[i - 1].Id} and {runs[i].Id} overlap:\n{report}");
            Assert.Equal(1, firings.MaxExecuting);
            Assert.Contains(killed.Owner, firings.Instances);
            Assert.Contains(survivorId, firings.Instances);
            Assert.Equal(0L, await ExecutingCountAsync(Slow));

            // The data is what one process stores: the simulator's truth, each key once.
            var truth = await sim.TruthAsync(Slow);
            Assert.NotEmpty(truth);
            Assert.Equal(truth, await sim.CurrentAsync(Slow));
            Assert.Equal(0UL, await sim.DuplicateKeysAsync(Slow));
        }
        finally
        {
            await sampling.CancelAsync();
            // The sampler's loop ends on cancellation without throwing (its queries take no token).
            await sampler;
        }
    }

    private async Task SetLatencyAsync(string source, int ms)
    {
        using var admin = new HttpClient { BaseAddress = fx.Simulator.BaseUrl };
        admin.DefaultRequestHeaders.Add("X-Simulator-Admin", SimulatorFixture.AdminToken);
        using var response = await admin.PutAsJsonAsync(new Uri($"admin/faults/{source}", UriKind.Relative), new { latencyMs = ms });
        response.EnsureSuccessStatusCode();
    }

    private async Task<List<ClusterRun>> RunsAsync(string sourceId)
    {
        await using var c = await fx.Simulator.Database.OpenAsync(CancellationToken.None);
        return (await c.QueryAsync<ClusterRun>("""
            SELECT id AS Id, status AS Status, trigger AS Trigger, started_at AS StartedAt, finished_at AS FinishedAt, owner AS Owner,
                   rows_loaded AS RowsLoaded, error AS Error
            FROM pull_runs FINAL WHERE source_id = @sourceId ORDER BY started_at, id
            """, new { sourceId })).ToList();
    }

    private Task<ulong> ClaimCountAsync(string requestId) =>
        fx.Simulator.ScalarAsync<ulong>("SELECT count() FROM run_request_claims WHERE request_id = @requestId", new { requestId });

    private async Task<long> ExecutingCountAsync(string sourceId)
    {
        await using var c = await fx.OpenQuartzAsync();
        return await c.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM qrtz_fired_triggers WHERE job_name = @sourceId AND job_group = 'pull' AND state = 'EXECUTING'", new { sourceId });
    }

    private sealed record Firings(int Samples, int MaxExecuting, IReadOnlySet<string> Instances);

    // Reads Quartz's fired-trigger rows of the source's job every 100 ms: how many firings execute at once, and where.
    private async Task<Firings> SampleFiringsAsync(string sourceId, CancellationToken ct)
    {
        await using var c = await fx.OpenQuartzAsync();
        var samples = 0;
        var max = 0;
        var instances = new HashSet<string>(StringComparer.Ordinal);
        while (!ct.IsCancellationRequested)
        {
            var rows = (await c.QueryAsync<string>(new CommandDefinition(
                "SELECT instance_name FROM qrtz_fired_triggers WHERE job_name = @sourceId AND job_group = 'pull' AND state = 'EXECUTING'",
                new { sourceId }, cancellationToken: CancellationToken.None))).ToList();
            samples++;
            max = Math.Max(max, rows.Count);
            instances.UnionWith(rows);
            try { await Task.Delay(100, ct); } catch (OperationCanceledException) { break; }
        }
        return new Firings(samples, max, instances);
    }

    // Polls until the probe answers (bounded); fails with the nodes' output when time runs out.
    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, string what, IEnumerable<ChildProcess> nodes) where T : class
    {
        using var cts = new CancellationTokenSource(Bounded);
        while (true)
        {
            if (await probe() is { } value) return value;
            if (cts.IsCancellationRequested)
                throw new TimeoutException($"No {what} within {Bounded.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s:\n" +
                    string.Join("\n----\n", nodes.Select(n => n.Output)));
            await Task.Delay(200, CancellationToken.None);
        }
    }
}
