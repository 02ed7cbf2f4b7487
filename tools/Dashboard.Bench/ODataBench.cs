using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Dashboard.OData.Translation;

namespace Dashboard.Bench;

/// <summary>
/// The api's OData service against ClickHouse running the same SQL directly (scripts/bench-odata.sh). For each
/// query the SQL comes from the api's own translator given the same request target, with the parameters bound
/// by the provider's one routine (<see cref="ClickHouseCommand.BuildSql"/>), and is POSTed to ClickHouse's HTTP
/// interface with the settings the api sends (readonly=2, max_memory_usage, max_execution_time, TSV with names
/// and types); both bodies are read to the end. A third side, the same statement through the provider's reader
/// with every value materialised, splits the api's overhead into the provider's part and the rest (JSON,
/// ASP.NET, translation). Then 16 clients load each query for a while, against the api and against ClickHouse.
/// </summary>
internal static class ODataBench
{
    private const string Filter = "IndicatorCode eq 'PUBLIC_ABSORPTION' and Period ge 2024-01-01";
    private static readonly DateOnly AsOf = new(2026, 10, 31);
    // Direct statements carry this query-id prefix so system.query_log tells them from the api's.
    private const string DirectPrefix = "odbench_";

    private sealed record Case(string Name, string Target);

    private static readonly Case[] Cases =
    [
        new("filter", "Observations?$filter=" + Uri.EscapeDataString(Filter) + "&$orderby=" + Uri.EscapeDataString("Period desc")),
        new("count", "Observations/$count?$filter=" + Uri.EscapeDataString(Filter)),
        new("apply", "Observations?$apply=" + Uri.EscapeDataString($"filter({Filter})/groupby((RegionCode),aggregate(Numerator with sum as N,Denominator with sum as D))")),
        new("scorecard", ScorecardTarget(AsOf)),
    ];

    private static string ScorecardTarget(DateOnly asOf) =>
        "Scorecard?asOf=" + asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "&$filter=" + Uri.EscapeDataString("RegionCode eq '320583'");

    public static async Task<int> RunAsync(string connectionString, Uri api, int runs, int? firstRuns, int clients, double loadSeconds, int? apiPid, CancellationToken ct)
    {
        var settings = new ClickHouseConnectionStringBuilder(connectionString);
        using var apiClient = NewClient(api, null);
        using var chClient = NewClient(settings.BaseUri, settings);
        var database = new ClickHouseDatabase(connectionString);
        // The api's translator with the api's default limits (ODataApiOptions: page of 1,000, …).
        var translator = new ODataSqlTranslator(new ODataTranslatorOptions());
        var direct = new Direct(chClient, settings.Database);

        // Warm the api (JIT, first snapshot) before any statement is taken from it.
        foreach (var c in Cases) await ApiAsync(apiClient, c.Target, ct);

        var statements = new Dictionary<string, Statement>(StringComparer.Ordinal);
        foreach (var c in Cases)
            statements[c.Name] = await StatementAsync(translator, database, c, ct);

        var latencyLines = new List<string>();
        foreach (var c in Cases)
        {
            var s = statements[c.Name];
            var apiRuns = new List<double>();
            var directRuns = new List<double>();
            var providerRuns = new List<double>();
            long apiBytes = 0, directBytes = 0, rows = 0;
            var cpuBefore = ApiCpu(apiPid);
            for (var i = -2; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                apiBytes = await ApiAsync(apiClient, c.Target, ct);
                var a = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                directBytes = await direct.RunAsync(s.Sql, ct);
                var d = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                rows = await ProviderAsync(database, s, ct);
                var p = sw.Elapsed.TotalMilliseconds;
                if (i < 0) continue; // warm-up
                apiRuns.Add(a);
                directRuns.Add(d);
                providerRuns.Add(p);
            }
            var apiCpuMs = ApiCpu(apiPid) - cpuBefore;
            var server = await ServerTimesAsync(direct, s.Sql, ct);
            latencyLines.Add(string.Create(CultureInfo.InvariantCulture,
                $"case={c.Name} rows={rows} api_bytes={apiBytes} direct_bytes={directBytes} api_ms={Stats.Median(apiRuns):F1} api_p95={Stats.P95(apiRuns):F1} direct_ms={Stats.Median(directRuns):F1} direct_p95={Stats.P95(directRuns):F1} provider_ms={Stats.Median(providerRuns):F1} ratio={Stats.Median(apiRuns) / Stats.Median(directRuns):F2} provider_ratio={Stats.Median(providerRuns) / Stats.Median(directRuns):F2} api_cpu_ms={(apiCpuMs is { } cpu ? (cpu / (runs + 2)).ToString("F1", CultureInfo.InvariantCulture) : "n/a")} server_api_ms={server.Api} server_direct_ms={server.Direct} same_sql={(server.ApiCount > 0 ? "yes" : "no")} api_runs={Stats.Runs(apiRuns, "F0")} direct_runs={Stats.Runs(directRuns, "F0")} target={c.Target}"));
            Console.Error.WriteLine("[bench] " + latencyLines[^1]);
        }
        foreach (var line in latencyLines) Console.WriteLine(line);

        Console.WriteLine(await FirstScorecardAsync(apiClient, direct, database, firstRuns ?? runs, apiPid, ct));

        foreach (var c in Cases)
        {
            var s = statements[c.Name];
            var viaApi = await LoadAsync(clients, loadSeconds, t => ApiAsync(apiClient, c.Target, t), ct);
            var viaDirect = await LoadAsync(clients, loadSeconds, t => direct.RunAsync(s.Sql, t), ct);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"load={c.Name} clients={clients} seconds={loadSeconds:F0} api_rps={viaApi.Rps:F1} api_p50={viaApi.P50:F0} api_p95={viaApi.P95:F0} api_errors={viaApi.Errors} direct_rps={viaDirect.Rps:F1} direct_p50={viaDirect.P50:F0} direct_p95={viaDirect.P95:F0} direct_errors={viaDirect.Errors} ratio={viaApi.Rps / viaDirect.Rps:F2}");
            Console.Error.WriteLine("[bench] " + line);
            Console.WriteLine(line);
        }
        return 0;
    }

    /// <summary>The statement the api runs for a request: its SQL with every parameter bound, and the parameters for the provider side.</summary>
    private sealed record Statement(string Sql, TranslatedQuery Query);

    private static async Task<Statement> StatementAsync(ODataSqlTranslator translator, ClickHouseDatabase database, Case c, CancellationToken ct)
    {
        var set = c.Target[..c.Target.IndexOfAny(['?', '/'])];
        SqlCondition? condition = null;
        string? source = null;
        if (set == "Scorecard")
        {
            // As ODataEndpoints does: the Scorecard set reads the snapshot the api made (and reuses) for this as-of date.
            await using var connection = await database.OpenAsync(ct);
            var snapshot = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT snapshot_id FROM scorecard_results WHERE as_of = @asOf ORDER BY created_at DESC LIMIT 1", new { asOf = AsOf }, cancellationToken: ct))
                ?? throw new InvalidOperationException("The api made no scorecard snapshot for " + AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".");
            condition = new SqlCondition("snapshot_id = @snapshot", new Dictionary<string, object?>(StringComparer.Ordinal) { ["snapshot"] = snapshot });
            source = "scorecard_results";
        }
        var query = translator.Translate(set, c.Target, condition, source);
        // The count shape runs query.Sql; a collection without $count=true has no CountSql.
        await using var conn = await database.OpenAsync(ct);
        await using var command = Command(conn, query.Sql, query.Parameters);
        return new Statement(command.BuildSql(), query);
    }

    private static ClickHouseCommand Command(ClickHouseConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters)
    {
        var command = connection.CreateCommand(sql);
        // The api's ODataEndpoints.Command settings with its default limits.
        command.CommandTimeout = 30;
        command.Settings["max_memory_usage"] = "2000000000";
        command.Settings["readonly"] = "2";
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static async Task<long> ApiAsync(HttpClient client, string target, CancellationToken ct)
    {
        using var response = await client.GetAsync(new Uri(target, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"The api answered {(int)response.StatusCode} to {target}: {await response.Content.ReadAsStringAsync(ct)}");
        return await DrainAsync(response, ct);
    }

    private static async Task<long> DrainAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, ct)) > 0) total += n;
        return total;
    }

    /// <summary>The statement through the provider's reader, every value materialised as the api's JSON writer does.</summary>
    private static async Task<long> ProviderAsync(ClickHouseDatabase database, Statement s, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = Command(connection, s.Query.Sql, s.Query.Parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var values = new object[reader.FieldCount];
        long rows = 0;
        while (await reader.ReadAsync(ct))
        {
            reader.GetValues(values);
            rows++;
        }
        return rows;
    }

    /// <summary>ClickHouse's HTTP interface, given bound SQL: what "ClickHouse running the same SQL directly" means here.</summary>
    private sealed class Direct(HttpClient client, string database)
    {
        /// <param name="sql">Bound SQL.</param>
        /// <param name="asEngine">
        /// Send the settings the scorecard engine's reads go with (the connection string's timeout, the server's
        /// memory limit) instead of the OData service's (readonly=2, 2 GB, 30 s).
        /// </param>
        /// <param name="ct">Cancels the request.</param>
        public async Task<long> RunAsync(string sql, CancellationToken ct, bool asEngine = false)
        {
            var settings = asEngine ? "max_execution_time=300" : "max_memory_usage=2000000000&readonly=2&max_execution_time=30";
            var url = string.Create(CultureInfo.InvariantCulture,
                $"?query_id={DirectPrefix}{Guid.NewGuid():N}&database={Uri.EscapeDataString(database)}&{settings}&default_format=TabSeparatedWithNamesAndTypes");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative))
            {
                Content = new StringContent(sql, Encoding.UTF8, "text/plain"),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"ClickHouse answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            return await DrainAsync(response, ct);
        }

        public async Task<string> ScalarAsync(string sql, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("?database=" + Uri.EscapeDataString(database), UriKind.Relative))
            {
                Content = new StringContent(sql, Encoding.UTF8, "text/plain"),
            };
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"ClickHouse answered {(int)response.StatusCode}: {text}");
            return text.Trim();
        }
    }

    /// <summary>
    /// The server's own median time for the statement as the api sent it and as sent directly, from system.query_log;
    /// finding the api's statement there (byte for byte) also proves both sides ran the same SQL.
    /// </summary>
    private static async Task<(string Api, string Direct, long ApiCount)> ServerTimesAsync(Direct direct, string sql, CancellationToken ct)
    {
        await direct.ScalarAsync("SYSTEM FLUSH LOGS", ct);
        var literal = Dashboard.ClickHouse.Sql.SqlLiteral.Format(sql);
        var text = await direct.ScalarAsync(
            $"SELECT countIf(NOT startsWith(query_id, '{DirectPrefix}')), quantileExactIf(0.5)(query_duration_ms, NOT startsWith(query_id, '{DirectPrefix}')), quantileExactIf(0.5)(query_duration_ms, startsWith(query_id, '{DirectPrefix}')) FROM system.query_log WHERE type = 2 AND query = {literal}", ct);
        var parts = text.Split('\t');
        return (parts[1], parts[2], long.Parse(parts[0], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A scorecard nobody asked for yet: each run names an as-of date not used before, so the api judges every
    /// top-level region (catalogue reads, roll-up, evaluation), writes the snapshot and then queries it. The
    /// baseline is what issue 3 measured the engine against: the engine's roll-up SQL for each top-level root
    /// (side by side, as the api runs them) sent directly, read to the end.
    /// </summary>
    private static async Task<string> FirstScorecardAsync(HttpClient apiClient, Direct direct, ClickHouseDatabase database, int runs, int? apiPid, CancellationToken ct)
    {
        var catalogue = new CatalogueStore(database);
        var roots = await catalogue.GetTopLevelRegionCodesAsync(ct);
        var rollUps = new List<(string Root, string[] Indicators)>();
        foreach (var root in roots)
        {
            var targets = await catalogue.GetCurrentTargetsForTreeAsync(root, ct);
            rollUps.Add((root, targets.Select(t => t.IndicatorCode).Distinct(StringComparer.Ordinal).ToArray()));
        }
        await using var connection = await database.OpenAsync(ct);
        string RollUp(string root, string[] indicators, DateOnly asOf)
        {
            using var command = connection.CreateCommand(ScorecardEngine.RollUpSql);
            command.Parameters.AddWithValue("root", root);
            command.Parameters.AddWithValue("asOf", asOf);
            command.Parameters.AddWithValue("indicators", indicators);
            command.Parameters.AddWithValue("collapseSchools", 1);
            return command.BuildSql();
        }

        var apiRuns = new List<double>();
        var directRuns = new List<double>();
        var cpuBefore = ApiCpu(apiPid);
        for (var i = -1; i < runs; i++)
        {
            var asOf = AsOf.AddDays(-(i + 2)); // never the cached case's date, never twice
            var sw = Stopwatch.StartNew();
            await ApiAsync(apiClient, ScorecardTarget(asOf), ct);
            var a = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            await Task.WhenAll(rollUps.Select(r => direct.RunAsync(RollUp(r.Root, r.Indicators, asOf), ct, asEngine: true)));
            var d = sw.Elapsed.TotalMilliseconds;
            if (i < 0) continue;
            apiRuns.Add(a);
            directRuns.Add(d);
        }
        var cpu = ApiCpu(apiPid) - cpuBefore;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"case=scorecard_first roots={string.Join(',', roots)} api_ms={Stats.Median(apiRuns):F1} api_p95={Stats.P95(apiRuns):F1} direct_ms={Stats.Median(directRuns):F1} direct_p95={Stats.P95(directRuns):F1} ratio={Stats.Median(apiRuns) / Stats.Median(directRuns):F2} api_cpu_ms={(cpu is { } c ? (c / (runs + 1)).ToString("F1", CultureInfo.InvariantCulture) : "n/a")} api_runs={Stats.Runs(apiRuns, "F0")} direct_runs={Stats.Runs(directRuns, "F0")}");
        Console.Error.WriteLine("[bench] " + line);
        return line;
    }

    private sealed record LoadResult(double Rps, double P50, double P95, int Errors);

    /// <summary><paramref name="clients"/> loops issuing the request back to back for <paramref name="seconds"/>; rps counts successful answers.</summary>
    private static async Task<LoadResult> LoadAsync(int clients, double seconds, Func<CancellationToken, Task<long>> request, CancellationToken ct)
    {
        var latencies = new List<double>[clients];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var loops = Enumerable.Range(0, clients).Select(async n =>
        {
            var mine = latencies[n] = [];
            while (clock.Elapsed < until)
            {
                var start = clock.Elapsed;
                try
                {
                    await request(ct);
                    mine.Add((clock.Elapsed - start).TotalMilliseconds);
                }
                catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToList();
        await Task.WhenAll(loops);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        return new LoadResult(all.Count / elapsed, all.Count == 0 ? 0 : Stats.Median(all), all.Count == 0 ? 0 : Stats.P95(all), errors);
    }

    private static HttpClient NewClient(Uri baseAddress, ClickHouseConnectionStringBuilder? credentials)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            // 16 clients at once must not queue for connections in the bench itself.
            MaxConnectionsPerServer = 64,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = new Uri(baseAddress.ToString().TrimEnd('/') + (credentials is null ? "/odata/" : "/")),
            Timeout = TimeSpan.FromMinutes(5),
        };
        // An api that requires sign-in gets an API key from the environment (never the command line).
        if (credentials is null && Environment.GetEnvironmentVariable("BENCH_ODATA_TOKEN") is { Length: > 0 } token)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (credentials is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.User + ":" + credentials.Password)));
        return client;
    }

    /// <summary>The api process's CPU time so far (user + system, ms), from /proc; null when no pid was given.</summary>
    private static double? ApiCpu(int? pid)
    {
        if (pid is not { } p) return null;
        var stat = File.ReadAllText($"/proc/{p.ToString(CultureInfo.InvariantCulture)}/stat");
        // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 10.0; // USER_HZ is 100 on Linux
    }
}
