using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Dashboard.Data.Storage;
using Dashboard.Testing;

namespace Dashboard.Jobs.Tests;

/// <summary>Where the built services are: artifacts/bin/&lt;Project&gt;/&lt;configuration&gt;/ under the repository root.</summary>
public static class Artifacts
{
    /// <summary>The service's dll, built in the configuration the tests were built in (fails with what to do when missing).</summary>
    public static string Dll(string project)
    {
        // The tests run from artifacts/bin/Dashboard.Jobs.Tests/<configuration>/: the services sit beside it.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var dll = Path.Combine(RepoRoot(), "artifacts", "bin", project, configuration, project + ".dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution first (dotnet build -c Release).");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Dashboard.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>One HTTP source of the jobs host's registry, as configuration (Sources:Items:N:…).</summary>
public sealed record JobsSource(string Id, string RegionCode, string? Url, string Secret, string Cron = JobsSource.Never)
{
    /// <summary>A valid Quartz cron that does not fire while a test runs: only run-on-start and run-now pull.</summary>
    public const string Never = "0 0 0 1 1 ? 2099";
}

/// <summary>The jobs host as a real process: configuration through environment variables only, a free loopback port.</summary>
public static class JobsHost
{
    /// <summary>Starts the jobs host against <paramref name="connectionString"/> with these sources; <paramref name="extra"/> adds or overrides settings.</summary>
    public static ChildProcess Start(string connectionString, IReadOnlyList<JobsSource> sources, bool runOnStart, string? pauseAt = null,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__ClickHouse"] = connectionString,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture)}",
            ["Pulls__RunOnStart"] = runOnStart ? "true" : "false",
        };
        if (pauseAt is not null) env["Pulls__PauseAt"] = pauseAt;
        for (var i = 0; i < sources.Count; i++)
        {
            var s = sources[i];
            var at = "Sources__Items__" + i.ToString(CultureInfo.InvariantCulture) + "__";
            env[at + "Id"] = s.Id;
            env[at + "RegionCode"] = s.RegionCode;
            env[at + "Kind"] = "Http";
            env[at + "Cron"] = s.Cron;
            env[at + "Secret"] = s.Secret;
            if (s.Url is not null) env[at + "Url"] = s.Url;
        }
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) env[k] = v;
        return ChildProcess.Start("jobs host", Artifacts.Dll("Dashboard.Jobs"), env);
    }
}

/// <summary>
/// A fresh database per test class with every migration of sql/ applied (the seeded catalogue), dropped at
/// the end; starts jobs hosts against it and reads what they stored.
/// </summary>
public class DatabaseFixture : IAsyncLifetime
{
    private TestDatabase? _db;

    public string ConnectionString => _db?.ConnectionString ?? throw new InvalidOperationException("The database is not created yet.");

    public ClickHouseDatabase Database { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("jobs", Schema.Full);
        Database = new ClickHouseDatabase(_db.ConnectionString);
    }

    public virtual async Task DisposeAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
    }

    /// <summary>Starts the jobs host against this database.</summary>
    public ChildProcess StartJobs(IReadOnlyList<JobsSource> sources, bool runOnStart, string? pauseAt = null, IReadOnlyDictionary<string, string>? extra = null) =>
        JobsHost.Start(ConnectionString, sources, runOnStart, pauseAt, extra);

    /// <summary>
    /// Waits (bounded) for a run of the source with the given status and trigger; fails at once, with the
    /// jobs host's output, when a run ends otherwise or the host exits.
    /// </summary>
    public async Task<RunRow> WaitForRunAsync(string sourceId, string status, string trigger, ChildProcess jobs, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var runs = await RunsAsync(sourceId);
            if (runs.FirstOrDefault(r => r.Status == status && r.Trigger == trigger) is { } run) return run;
            // A run the sweeper ended (its process was killed) is not this run's failure.
            if (runs.FirstOrDefault(r => r.Status is not ("Running" or "Succeeded") && !r.Error.StartsWith("abandoned:", StringComparison.Ordinal)) is { } bad)
                throw new InvalidOperationException($"Run {bad.Id} of {sourceId} ended {bad.Status}: {bad.Error}\n{jobs.Output}");
            if (jobs.HasExited) throw new InvalidOperationException($"The jobs host exited ({jobs.ExitCode}) before a {status} run of {sourceId}:\n{jobs.Output}");
            if (cts.IsCancellationRequested) throw new TimeoutException($"No {status} {trigger} run of {sourceId} within {timeout.TotalSeconds:F0} s:\n{jobs.Output}");
            await Task.Delay(200, CancellationToken.None);
        }
    }

    /// <summary>Every run of a source as it stands now (pull_runs FINAL), oldest first.</summary>
    public async Task<List<RunRow>> RunsAsync(string sourceId)
    {
        await using var c = await Database.OpenAsync(CancellationToken.None);
        return (await c.QueryAsync<RunRow>("""
            SELECT id AS Id, status AS Status, trigger AS Trigger, rows_loaded AS RowsLoaded, rows_rejected AS RowsRejected, error AS Error
            FROM pull_runs FINAL WHERE source_id = @sourceId ORDER BY started_at, id
            """, new { sourceId })).ToList();
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await Database.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value");
    }

    /// <summary>What the platform holds as current for a source: per key, the row of the highest version.</summary>
    public async Task<Dictionary<Key, Values>> CurrentAsync(string sourceId)
    {
        await using var c = await Database.OpenAsync(CancellationToken.None);
        var rows = await c.QueryAsync<(string Region, string Indicator, DateTime Period, decimal? Num, decimal? Den, decimal? Val, uint Rev)>("""
            SELECT region_code, indicator_code, period, argMax(numerator, version), argMax(denominator, version), argMax(value, version),
                   argMax(revision, version)
            FROM observations WHERE source_id = @sourceId
            GROUP BY region_code, indicator_code, period
            """, new { sourceId });
        return rows.ToDictionary(r => new Key(r.Region, r.Indicator, DateOnly.FromDateTime(r.Period)), r => new Values(r.Num, r.Den, r.Val, r.Rev));
    }

    /// <summary>Keys of the source that the current table (FINAL) holds more than once.</summary>
    public Task<ulong> DuplicateKeysAsync(string sourceId) => ScalarAsync<ulong>("""
        SELECT count() FROM (
            SELECT region_code, indicator_code, period FROM observations FINAL WHERE source_id = @sourceId
            GROUP BY region_code, indicator_code, period HAVING count() > 1)
        """, new { sourceId });
}

/// <summary>The state of a pull run, as the tests check it.</summary>
public sealed record RunRow(string Id, string Status, string Trigger, ulong RowsLoaded, ulong RowsRejected, string Error);

public sealed record Key(string Region, string Indicator, DateOnly Period);

public sealed record Values(decimal? Numerator, decimal? Denominator, decimal? Value, uint Revision);

/// <summary>The fresh database plus the district simulator as a real process (today 2026-11-22, default seed).</summary>
public sealed class SimulatorFixture : DatabaseFixture
{
    public const string Token = "feed-token";
    public const string AdminToken = "admin-token";

    private ChildProcess? _simulator;

    public Uri BaseUrl { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var port = ChildProcess.FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _simulator = ChildProcess.Start("simulator", Artifacts.Dll("DistrictSimulator"), new Dictionary<string, string>
        {
            ["ConnectionStrings__ClickHouse"] = ConnectionString,
            ["Simulator__Token"] = Token,
            ["Simulator__AdminToken"] = AdminToken,
            ["Simulator__Today"] = "2026-11-22",
            ["ASPNETCORE_URLS"] = BaseUrl.AbsoluteUri.TrimEnd('/'),
        });
        try
        {
            await WaitUntilAnsweringAsync(_simulator);
        }
        catch
        {
            // xunit may not dispose a fixture whose start failed: stop the process here, then report.
            await _simulator.DisposeAsync();
            _simulator = null;
            throw;
        }
    }

    private async Task WaitUntilAnsweringAsync(ChildProcess simulator)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("v1/sources", UriKind.Relative), cts.Token);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet: it reads the catalogue from ClickHouse first.
            }
            if (simulator.HasExited) throw new InvalidOperationException($"The simulator exited ({simulator.ExitCode}):\n{simulator.Output}");
            if (cts.IsCancellationRequested) throw new TimeoutException($"The simulator did not answer within 60 s:\n{simulator.Output}");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    public override async Task DisposeAsync()
    {
        if (_simulator is not null) await _simulator.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>The jobs host's view of a simulator source: the county's feed, its region, the feed token.</summary>
    public JobsSource Source(string id) => new(id, id.Split('-')[0], new Uri(BaseUrl, id).AbsoluteUri, Token);

    /// <summary>The simulator's truth of a source: per key, its highest revision.</summary>
    public async Task<Dictionary<Key, Values>> TruthAsync(string sourceId)
    {
        using var admin = new HttpClient { BaseAddress = BaseUrl };
        admin.DefaultRequestHeaders.Add("X-Simulator-Admin", AdminToken);
        var doc = await admin.GetFromJsonAsync<JsonElement>(new Uri($"{sourceId}/v1/truth", UriKind.Relative));
        var result = new Dictionary<Key, Values>();
        foreach (var item in doc.GetProperty("items").EnumerateArray())
        {
            var period = item.GetProperty("period").GetString()!;
            var day = period.Length == 4 ? new DateOnly(int.Parse(period, CultureInfo.InvariantCulture), 1, 1)
                : DateOnly.ParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            result[new Key(item.GetProperty("region").GetString()!, item.GetProperty("indicator").GetString()!, day)] = new Values(
                Num(item, "numerator"), Num(item, "denominator"), Num(item, "value"), item.GetProperty("revision").GetUInt32());
        }
        return result;
    }

    private static decimal? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;
}
