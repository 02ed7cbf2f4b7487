using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Storage;
// Dashboard.Bench has an Observation of its own (a raw table row); this is the validated one.
using ValidRow = Dashboard.Data.Ingestion.Observation;

namespace Dashboard.Bench;

/// <summary>
/// Sustained rows per second through the whole ingestion path — a district feed over loopback HTTP →
/// <see cref="HttpFeedReader"/> → validation → ClickHouse (<see cref="PullService.PullAsync"/>, exactly
/// as the jobs host runs it) — against the provider's bulk insert alone of the same rows
/// (<see cref="IngestionStore.WriteObservationsAsync(IReadOnlyList{Observation}, string, string, DateTime, CancellationToken)"/>
/// with every row at once: one ClickHouseBulkWriter INSERT into observations_raw, one into observations).
/// After a warm-up of each, the two alternate <c>runs</c> times and medians are reported. Then, to show
/// where a pull's time goes, its parts are timed alone: reading the feed (HTTP and JSON), validation,
/// and the stores page by page.
/// </summary>
/// <remarks>
/// The fake district system lives in this process and serves pages rendered before any clock starts,
/// so on a small machine its CPU does not count against the platform's path (a real district system runs
/// elsewhere). Its rows are valid for 太仓 (320585): the county's (region, indicator, period) keys from 2019
/// to 2026, restated at higher revisions until <c>rows</c> are reached, spread evenly over the years in
/// year order, as a real feed's updatedAt order has them (a period's rows are updated after it ends).
/// </remarks>
internal static class IngestBench
{
    private const string SourceId = "bench-feed";
    private const string Region = "320585";
    private const string Token = "bench-token";
    private static readonly DateTimeOffset FirstUpdate = new(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly string[] Tables = ["observations", "observations_raw", "rejections", "source_watermarks"];

    public static async Task<int> RunAsync(string connectionString, int rows, int runs, int pageSize, CancellationToken ct)
    {
        var database = new ClickHouseDatabase(connectionString);
        var catalogue = new CatalogueStore(database);
        var store = new IngestionStore(database);
        var indicators = await catalogue.GetIndicatorsAsync(ct);
        var keys = await KeysAsync(catalogue, indicators, ct);
        var pages = Render(keys, rows, pageSize);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[bench] {rows:N0} rows ({keys.Sum(k => k.Count):N0} keys of {Region}) in {pages.Count:N0} pages of {pageSize:N0}, {pages.Sum(p => (long)p.Length) / 1048576.0:F0} MiB of JSON"));

        await using var feed = new PageServer(pages, pageSize);
        using var http = new HttpClient();
        var options = new FeedReaderOptions { PageSize = pageSize };
        var reader = new HttpFeedReader(http, options);
        var pulls = new PullService(store, catalogue, reader, TimeProvider.System);
        var source = new FeedSource(SourceId, Region, feed.Url, Token);

        // The bulk side writes exactly the rows the pull stores: the validator's output of the same feed.
        var validator = await ValidatorAsync(catalogue, indicators, ct);
        var observations = new List<ValidRow>(rows);
        await foreach (var page in reader.ReadAsync(feed.Url, Token, null, ct))
            foreach (var row in page.Rows)
                observations.Add(validator.TryValidate(row, out var o, out var rejection) ? o! : throw new InvalidOperationException($"row {row.RowNumber} is invalid: {rejection!.Reason}"));
        if (observations.Count != rows) throw new InvalidOperationException($"The feed served {observations.Count} rows, not {rows}.");

        // Warm-up: JIT, connection pools, the server's caches.
        await TruncateAsync(database, ct);
        await PullAsync(pulls, source, rows, ct);
        await TruncateAsync(database, ct);
        await BulkAsync(store, observations, ct);

        var pull = new List<Pass<long>>();
        var bulk = new List<Pass<long>>();
        for (var run = 1; run <= runs; run++)
        {
            await TruncateAsync(database, ct);
            pull.Add(await Pass.TimeAsync(() => PullAsync(pulls, source, rows, ct)));
            await ExpectStoredAsync(database, rows, "pull", ct);
            await TruncateAsync(database, ct);
            bulk.Add(await Pass.TimeAsync(() => BulkAsync(store, observations, ct)));
            await ExpectStoredAsync(database, rows, "bulk insert", ct);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[bench] run {run}: pull {pull[^1].Elapsed.TotalSeconds:F3} s (cpu {pull[^1].Cpu.TotalSeconds:F3}), bulk {bulk[^1].Elapsed.TotalSeconds:F3} s (cpu {bulk[^1].Cpu.TotalSeconds:F3})"));
        }

        // Where a pull's time goes: its three parts alone, each once per run, medians.
        var fetch = new List<double>();
        var validate = new List<double>();
        var paged = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var (f, v) = await ReadAndValidateAsync(reader, feed.Url, validator, ct);
            fetch.Add(f);
            validate.Add(v);
            await TruncateAsync(database, ct);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < observations.Count; i += pageSize)
                await store.WriteObservationsAsync(observations.GetRange(i, Math.Min(pageSize, observations.Count - i)), SourceId, "bench-paged", Now(), ct);
            paged.Add(sw.Elapsed.TotalSeconds);
        }
        await TruncateAsync(database, ct);

        var pullSeconds = Stats.Median(pull.Select(p => p.Elapsed.TotalSeconds));
        var bulkSeconds = Stats.Median(bulk.Select(p => p.Elapsed.TotalSeconds));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rows={rows} page_size={pageSize} pages={pages.Count} keys={keys.Sum(k => k.Count)} runs={runs} " +
            $"pull_seconds={pullSeconds:F3} bulk_seconds={bulkSeconds:F3} pull_rate={rows / pullSeconds:F0} bulk_rate={rows / bulkSeconds:F0} ratio={bulkSeconds / pullSeconds:F2} " +
            $"pull_runs={Stats.Runs(pull.Select(p => p.Elapsed.TotalSeconds), "F3")} bulk_runs={Stats.Runs(bulk.Select(p => p.Elapsed.TotalSeconds), "F3")} " +
            $"pull_cpu={Stats.Median(pull.Select(p => p.Cpu.TotalSeconds)):F3} bulk_cpu={Stats.Median(bulk.Select(p => p.Cpu.TotalSeconds)):F3} " +
            $"fetch_seconds={Stats.Median(fetch):F3} validate_seconds={Stats.Median(validate):F3} paged_store_seconds={Stats.Median(paged):F3}"));
        return 0;
    }

    private static async Task<long> PullAsync(PullService pulls, FeedSource source, int rows, CancellationToken ct)
    {
        var run = await pulls.PullAsync(source, RunTrigger.Manual, ct);
        if (run.Status != RunStatus.Succeeded || run.RowsLoaded != rows)
            throw new InvalidOperationException($"The pull ended {run.Status} with {run.RowsLoaded} rows loaded of {rows}: {run.Error}");
        return run.RowsLoaded;
    }

    private static async Task<long> BulkAsync(IngestionStore store, List<ValidRow> rows, CancellationToken ct)
    {
        await store.WriteObservationsAsync(rows, SourceId, "bench-bulk", Now(), ct);
        return rows.Count;
    }

    // Fetching (HTTP, JSON, FeedRow) and validating interleave as in a pull; the validator's share is timed inside.
    private static async Task<(double Fetch, double Validate)> ReadAndValidateAsync(HttpFeedReader reader, Uri url, RowValidator validator, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var validating = new Stopwatch();
        await foreach (var page in reader.ReadAsync(url, Token, null, ct))
        {
            validating.Start();
            foreach (var row in page.Rows) validator.TryValidate(row, out _, out _);
            validating.Stop();
        }
        return ((total.Elapsed - validating.Elapsed).TotalSeconds, validating.Elapsed.TotalSeconds);
    }

    // The validator a pull of this source builds (IngestionSession.StartAsync), for the rows the bulk side writes.
    private static async Task<RowValidator> ValidatorAsync(CatalogueStore catalogue, IReadOnlyList<Indicator> indicators, CancellationToken ct)
    {
        var known = (await catalogue.GetRegionCodesAsync(null, ct)).ToHashSet(StringComparer.Ordinal);
        var scope = (await catalogue.GetRegionCodesAsync(Region, ct)).ToHashSet(StringComparer.Ordinal);
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        return new RowValidator(indicators.ToDictionary(i => i.Code, StringComparer.Ordinal), known, scope, today);
    }

    // Both sides must have stored every row in the history and exactly one row per key as current (untimed;
    // observations is a ReplacingMergeTree, so its plain count shrinks as background merges replace revisions).
    private static async Task ExpectStoredAsync(ClickHouseDatabase database, int rows, string side, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await using var cmd = c.CreateCommand("""
            SELECT concat(toString(count()), ' ', toString(uniqExact(indicator_code, region_code, period)), ' ',
                          toString((SELECT count() FROM observations FINAL)))
            FROM observations_raw
            """);
        var counts = ((string)(await cmd.ExecuteScalarAsync(ct))!).Split(' ');
        if (counts[0] != rows.ToString(CultureInfo.InvariantCulture) || counts[1] != counts[2])
            throw new InvalidOperationException($"The {side} left {counts[0]} rows in observations_raw ({counts[1]} keys) and {counts[2]} in observations, expected {rows} and one per key.");
    }

    private static async Task TruncateAsync(ClickHouseDatabase database, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        foreach (var table in Tables)
        {
            await using var cmd = c.CreateCommand("TRUNCATE TABLE " + table);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    // The county's keys per year, 2019 to 2026 (months only up to October 2026: never after the pull date).
    private static async Task<List<List<(Indicator Indicator, string Region, string Period)>>> KeysAsync(
        CatalogueStore catalogue, IReadOnlyList<Indicator> indicators, CancellationToken ct)
    {
        var regions = await catalogue.GetRegionCodesAsync(Region, ct);
        var years = new List<List<(Indicator, string, string)>>();
        for (var year = 2019; year <= 2026; year++)
        {
            var y = year.ToString(CultureInfo.InvariantCulture);
            var keys = new List<(Indicator, string, string)>();
            foreach (var region in regions)
                foreach (var indicator in indicators)
                {
                    if (indicator.Periodicity == Periodicity.Year) keys.Add((indicator, region, y));
                    else if (indicator.Periodicity == Periodicity.Term) keys.AddRange([(indicator, region, y + "-03"), (indicator, region, y + "-09")]);
                    else
                        for (var m = 1; m <= (year == 2026 ? 10 : 12); m++)
                            keys.Add((indicator, region, y + "-" + m.ToString("D2", CultureInfo.InvariantCulture)));
                }
            years.Add(keys);
        }
        return years;
    }

    // Within year block b, row j reports the year's key j mod K at revision j div K + 1; row i is updated i seconds after a fixed instant.
    private static List<byte[]> Render(List<List<(Indicator Indicator, string Region, string Period)>> years, int rows, int pageSize)
    {
        var perYear = (rows + years.Count - 1) / years.Count;
        var pages = new List<byte[]>();
        for (var start = 0; start < rows; start += pageSize)
        {
            var end = Math.Min(rows, start + pageSize);
            using var body = new MemoryStream();
            using (var json = new Utf8JsonWriter(body))
            {
                json.WriteStartObject();
                json.WriteString("source", SourceId);
                json.WriteStartArray("items");
                for (var i = start; i < end; i++)
                {
                    var keys = years[i / perYear];
                    var j = i % perYear;
                    var (indicator, region, period) = keys[j % keys.Count];
                    json.WriteStartObject();
                    json.WriteString("region", region);
                    json.WriteString("indicator", indicator.Code);
                    json.WriteString("period", period);
                    if (indicator.Kind == IndicatorKind.Ratio)
                    {
                        long denominator = 500 + (int)((uint)i * 7919u % 20_000u);
                        json.WriteNumber("numerator", denominator * (i % 97 + 1) / 100);
                        json.WriteNumber("denominator", denominator);
                        json.WriteNull("value");
                    }
                    else
                    {
                        json.WriteNull("numerator");
                        json.WriteNull("denominator");
                        json.WriteNumber("value", i % 5000);
                    }
                    json.WriteNumber("revision", j / keys.Count + 1);
                    json.WriteString("updatedAt", FirstUpdate.AddSeconds(i).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                if (end < rows) json.WriteString("next", (pages.Count + 1).ToString(CultureInfo.InvariantCulture));
                else json.WriteNull("next");
                json.WriteEndObject();
            }
            pages.Add(body.ToArray());
        }
        return pages;
    }

    private static DateTime Now()
    {
        var t = DateTime.UtcNow;
        return t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));
    }

    /// <summary>
    /// The district system: pre-rendered pages over loopback HTTP, page n at <c>cursor=n</c> (the contract's
    /// cursor is opaque), the bearer token checked. Only the page size it rendered is served.
    /// </summary>
    private sealed class PageServer : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<byte[]> _pages;
        private readonly string _limit;
        private readonly Task _loop;

        public PageServer(List<byte[]> pages, int pageSize)
        {
            _pages = pages;
            _limit = pageSize.ToString(CultureInfo.InvariantCulture);
            // A free loopback port: bind port 0, read it back, hand it to the listener.
            var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            _listener.Start();
            Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{SourceId}");
            _loop = Task.Run(AcceptAsync);
        }

        public Uri Url { get; }

        private async Task AcceptAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    // Dispose stopped the listener: the loop ends here.
                    return;
                }
                _ = Task.Run(() => ServeAsync(context));
            }
        }

        private async Task ServeAsync(HttpListenerContext context)
        {
            var response = context.Response;
            try
            {
                var request = context.Request;
                if (request.Headers["Authorization"] != "Bearer " + Token)
                {
                    response.StatusCode = 401;
                    return;
                }
                var cursor = request.QueryString["cursor"];
                var page = cursor is null ? 0 : int.Parse(cursor, NumberStyles.None, CultureInfo.InvariantCulture);
                if (request.Url?.AbsolutePath != $"/{SourceId}/v1/observations" || request.QueryString["since"] is not null
                    || request.QueryString["limit"] != _limit || page >= _pages.Count)
                {
                    response.StatusCode = 400;
                    return;
                }
                response.StatusCode = 200;
                response.ContentType = "application/json; charset=utf-8";
                response.ContentLength64 = _pages[page].Length;
                await response.OutputStream.WriteAsync(_pages[page]);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The reader hung up; it retries a page it did not get, and the run's check counts the rows.
                Console.Error.WriteLine("[bench] feed: " + e.Message);
            }
            finally
            {
                response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            // Bounded: the accept loop ends as soon as the listener stops.
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
    }
}
