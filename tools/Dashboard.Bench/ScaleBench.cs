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
using Microsoft.Extensions.Options;

namespace Dashboard.Bench;

/// <summary>
/// scripts/bench-scale.sh over tools/DataGenerator's province-scale dataset (synthetic GEN_* indicators under
/// provinces 97…, so the seeded-city queries of ODataBench and ScorecardBench find nothing there):
/// <list type="bullet">
/// <item><c>scale-scorecard</c>: each synthetic city's and the first province's scorecard through the engine,
/// against the aggregation it runs (ScorecardEngine.RollUpFromTableSql) sent through the same provider;</item>
/// <item><c>scale-odata</c>: OData requests to the api against the very statement the api sent (taken from
/// system.query_log, so jurisdiction conditions included) POSTed to ClickHouse with the api's settings; then
/// N concurrent clients per query against each side.</item>
/// </list>
/// </summary>
internal static class ScaleBench
{
    private static readonly DateOnly AsOf = new(2026, 10, 31);
    private const string DirectPrefix = "scalebench_";
    private const string Filter = "IndicatorCode eq 'GEN_R01' and Period ge 2026-01-01";

    public static async Task<int> ScorecardAsync(string connectionString, int runs, CancellationToken ct)
    {
        var database = new ClickHouseDatabase(connectionString);
        var catalogue = new CatalogueStore(database);
        var engine = new ScorecardEngine(database, catalogue, Options.Create(new ScorecardOptions()));
        var regions = await catalogue.GetAllRegionsAsync(ct);
        var roots = regions.Where(r => r.Level == "City" && r.Code.StartsWith("97", StringComparison.Ordinal)).Select(r => r.Code).Order(StringComparer.Ordinal).Take(3)
            .Append("970000").ToList();
        foreach (var root in roots)
        {
            var targets = await catalogue.GetCurrentTargetsForTreeAsync(root, ct);
            var indicators = targets.Select(t => t.IndicatorCode).Distinct(StringComparer.Ordinal).ToArray();
            var judged = Judged(regions, root);
            var engineMs = new List<double>();
            var tableMs = new List<double>();
            var rows = 0;
            for (var i = -2; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                var card = await engine.EvaluateAsync(root, AsOf, ct);
                var e = sw.Elapsed.TotalMilliseconds;
                rows = card.Rows.Count;
                sw.Restart();
                await using (var c = await database.OpenAsync(ct))
                await using (var cmd = c.CreateCommand(ScorecardEngine.RollUpFromTableSql))
                {
                    cmd.Parameters.AddWithValue("judged", judged);
                    cmd.Parameters.AddWithValue("asOf", AsOf);
                    cmd.Parameters.AddWithValue("indicators", indicators);
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    var values = new object[reader.FieldCount];
                    while (await reader.ReadAsync(ct)) reader.GetValues(values);
                }
                if (i < 0) continue;
                engineMs.Add(e);
                tableMs.Add(sw.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"city={root} judged={judged.Length} scorecard_rows={rows} engine_ms={Stats.Median(engineMs):F1} table_ms={Stats.Median(tableMs):F1} ratio={Stats.Median(engineMs) / Stats.Median(tableMs):F2} engine_runs={Stats.Runs(engineMs, "F0")} table_runs={Stats.Runs(tableMs, "F0")}"));
        }
        return 0;
    }

    private static string[] Judged(IReadOnlyList<Region> regions, string root)
    {
        var children = regions.ToLookup(r => r.ParentCode, StringComparer.Ordinal);
        var result = new List<string>();
        var stack = new Stack<Region>(regions.Where(r => r.Code == root));
        while (stack.Count > 0)
        {
            var r = stack.Pop();
            if (r.Level != "School") result.Add(r.Code);
            foreach (var child in children[r.Code]) stack.Push(child);
        }
        return [.. result];
    }

    // Which statement in system.query_log is the api's for a case: every With text in it, no Without text. The
    // first full-scale runs matched on one marker and took the latest statement of that second, which was not
    // always the case's own: the Scorecard's "direct" side timed the snapshot lookup or the pruning job's
    // system.parts query (about 1 ms), and /$count's sometimes the page statement.
    private sealed record Case(string Name, string Target, string[] With, string[] Without);

    private static readonly Case[] Cases =
    [
        new("filter", "Observations?$filter=" + Uri.EscapeDataString(Filter) + "&$orderby=" + Uri.EscapeDataString("Period desc"), ["GEN_R01"], ["count()", "GROUP BY"]),
        new("count", "Observations/$count?$filter=" + Uri.EscapeDataString(Filter), ["GEN_R01", "count()"], ["GROUP BY"]),
        new("apply", "Observations?$apply=" + Uri.EscapeDataString($"filter({Filter})/groupby((RegionCode),aggregate(Numerator with sum as N,Denominator with sum as D))"), ["GEN_R01", "GROUP BY"], []),
        new("scorecard", "Scorecard?asOf=2026-10-31&$filter=" + Uri.EscapeDataString("RegionCode eq '970100'"), ["FROM scorecard_results WHERE (snapshot_id ="], []),
    ];

    public static async Task<int> ODataAsync(string connectionString, Uri api, int runs, IReadOnlyList<int> clientCounts, double seconds, CancellationToken ct)
    {
        var settings = new ClickHouseConnectionStringBuilder(connectionString);
        using var apiClient = Client(new Uri(api.ToString().TrimEnd('/') + "/odata/"));
        apiClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            Environment.GetEnvironmentVariable("BENCH_ODATA_TOKEN") ?? throw new InvalidOperationException("BENCH_ODATA_TOKEN is not set."));
        using var chClient = Client(settings.BaseUri);
        chClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(settings.User + ":" + settings.Password)));
        var database = settings.Database;

        var sqls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in Cases)
        {
            var since = DateTime.UtcNow.AddSeconds(-1);
            await ApiAsync(apiClient, c.Target, ct); // warm-up; for Scorecard also the snapshot of this as-of date
            await ApiAsync(apiClient, c.Target, ct);
            await ScalarAsync(chClient, database, "SYSTEM FLUSH LOGS", ct);
            // The api's own statement for this request, byte for byte: the direct side runs exactly that.
            var sql = await ScalarAsync(chClient, database,
                $"SELECT query FROM system.query_log WHERE type = 2 AND event_time >= toDateTime('{since:yyyy-MM-dd HH:mm:ss}', 'UTC') {string.Concat(c.With.Select(w => $"AND query LIKE '%{w}%' "))}{string.Concat(c.Without.Select(w => $"AND query NOT LIKE '%{w}%' "))}AND query NOT LIKE '%query_log%' AND query NOT LIKE 'INSERT%' AND NOT startsWith(query_id, '{DirectPrefix}') ORDER BY event_time DESC LIMIT 1 FORMAT TSVRaw", ct);
            if (sql.Length == 0) throw new InvalidOperationException($"No statement of the api found in system.query_log for {c.Name}.");
            sqls[c.Name] = sql;
        }
        foreach (var c in Cases)
        {
            var apiRuns = new List<double>();
            var directRuns = new List<double>();
            for (var i = -1; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                await ApiAsync(apiClient, c.Target, ct);
                var a = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                await DirectAsync(chClient, database, sqls[c.Name], ct);
                if (i < 0) continue;
                apiRuns.Add(a);
                directRuns.Add(sw.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"case={c.Name} api_ms={Stats.Median(apiRuns):F1} api_p95={Stats.P95(apiRuns):F1} direct_ms={Stats.Median(directRuns):F1} direct_p95={Stats.P95(directRuns):F1} ratio={Stats.Median(apiRuns) / Stats.Median(directRuns):F2} api_runs={Stats.Runs(apiRuns, "F0")} direct_runs={Stats.Runs(directRuns, "F0")}"));
        }
        foreach (var clients in clientCounts)
        {
            foreach (var c in Cases)
            {
                var viaApi = await LoadAsync(clients, seconds, t => ApiAsync(apiClient, c.Target, t), ct);
                var viaDirect = await LoadAsync(clients, seconds, t => DirectAsync(chClient, database, sqls[c.Name], t), ct);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"load={c.Name} clients={clients} api_rps={viaApi.Rps:F1} api_p50={viaApi.P50:F0} api_p95={viaApi.P95:F0} api_errors={viaApi.Errors} direct_rps={viaDirect.Rps:F1} direct_p50={viaDirect.P50:F0} direct_p95={viaDirect.P95:F0} direct_errors={viaDirect.Errors} ratio={viaApi.Rps / Math.Max(viaDirect.Rps, 1e-9):F2}");
                Console.Error.WriteLine("[bench] " + line);
                Console.WriteLine(line);
            }
        }
        return 0;
    }

    private static HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler
    {
        // 64 clients at once must not queue for connections in the bench itself.
        MaxConnectionsPerServer = 128,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(10),
    };

    private static async Task<long> ApiAsync(HttpClient client, string target, CancellationToken ct)
    {
        using var response = await client.GetAsync(new Uri(target, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"The api answered {(int)response.StatusCode} to {target}: {await response.Content.ReadAsStringAsync(ct)}");
        return await DrainAsync(response, ct);
    }

    // The settings the api's OData reads go with (ODataEndpoints: readonly=2, 2 GB, 30 s).
    private static async Task<long> DirectAsync(HttpClient client, string database, string sql, CancellationToken ct)
    {
        var url = string.Create(CultureInfo.InvariantCulture,
            $"?query_id={DirectPrefix}{Guid.NewGuid():N}&database={Uri.EscapeDataString(database)}&max_memory_usage=2000000000&readonly=2&max_execution_time=30&default_format=TabSeparatedWithNamesAndTypes");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = new StringContent(sql, Encoding.UTF8, "text/plain") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"ClickHouse answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        return await DrainAsync(response, ct);
    }

    private static async Task<string> ScalarAsync(HttpClient client, string database, string sql, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("?database=" + Uri.EscapeDataString(database), UriKind.Relative)) { Content = new StringContent(sql, Encoding.UTF8, "text/plain") };
        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"ClickHouse answered {(int)response.StatusCode}: {text}");
        return text.TrimEnd('\n');
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

    private sealed record LoadResult(double Rps, double P50, double P95, int Errors);

    private static async Task<LoadResult> LoadAsync(int clients, double seconds, Func<CancellationToken, Task<long>> request, CancellationToken ct)
    {
        var latencies = new List<double>[clients];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async n =>
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
                catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException)
                {
                    // Counted, not hidden: errors under load are one of the figures.
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        return new LoadResult(all.Count / elapsed, all.Count == 0 ? 0 : Stats.Median(all), all.Count == 0 ? 0 : Stats.P95(all), errors);
    }
}
