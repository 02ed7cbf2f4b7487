using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Dashboard.Data.Ingestion;

/// <summary>How a feed is read: page size and the retry budget for transient faults.</summary>
public sealed class FeedReaderOptions
{
    /// <summary>Rows asked for per page (default 1000).</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Attempts per page before the run fails (default 6).</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First backoff; doubles per attempt (default 0.5 s).</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest backoff or Retry-After honoured (default 30 s).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one page request (default 60 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest page body accepted (default 64 MiB).</summary>
    public int MaxPageBytes { get; set; } = 64 * 1024 * 1024;
}

/// <summary>One page of a feed, with the retries it took.</summary>
public sealed record FeedPage(IReadOnlyList<FeedRow> Rows, int Retries, IReadOnlyList<string> Faults);

/// <summary>A feed failure that retrying will not fix, or that outlasted the retry budget.</summary>
public sealed class FeedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads a district system's HTTP JSON feed (shared/contracts/district-feed.md) page by page. Transient
/// faults — 429 (honouring Retry-After), 5xx, connection resets, timeouts, truncated or non-JSON bodies —
/// are retried with exponential backoff on the same cursor; 401, 403 and 404 fail at once.
/// </summary>
public sealed class HttpFeedReader(HttpClient http, FeedReaderOptions options)
{
    /// <summary>Reads every page of rows updated at or after <paramref name="since"/>.</summary>
    public async IAsyncEnumerable<FeedPage> ReadAsync(Uri baseUrl, string token, DateTime? since, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        string? cursor = null;
        var sameCursor = 0;
        var row = 0;
        while (true)
        {
            var (items, next, retries, faults) = await FetchWithRetriesAsync(PageUri(baseUrl, since, cursor), token, ct);
            var rows = new List<FeedRow>(items.Count);
            foreach (var item in items) rows.Add(FeedRow.FromJson(++row, item));
            yield return new FeedPage(rows, retries, faults);
            if (next is null) yield break;
            // A feed that answers with the cursor it was asked for is repeating a page: ask again a few
            // times (the rows are idempotent), then give up rather than loop forever.
            sameCursor = next == cursor ? sameCursor + 1 : 0;
            if (sameCursor > 3) throw new FeedException($"The feed keeps answering cursor {cursor} with itself as the next cursor.");
            cursor = next;
        }
    }

    private Uri PageUri(Uri baseUrl, DateTime? since, string? cursor)
    {
        var query = $"limit={options.PageSize.ToString(CultureInfo.InvariantCulture)}";
        if (since is { } s) query += "&since=" + Uri.EscapeDataString(new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        if (cursor is not null) query += "&cursor=" + Uri.EscapeDataString(cursor);
        var root = baseUrl.AbsoluteUri.TrimEnd('/');
        return new Uri($"{root}/v1/observations?{query}");
    }

    private async Task<(List<JsonElement> Items, string? Next, int Retries, List<string> Faults)> FetchWithRetriesAsync(Uri uri, string token, CancellationToken ct)
    {
        var faults = new List<string>();
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? wait = null;
            string fault;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(options.RequestTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    throw new FeedException($"The feed refused the credentials (HTTP {(int)response.StatusCode}): check the source's secret.");
                if (response.StatusCode == HttpStatusCode.NotFound)
                    throw new FeedException($"The feed was not found (HTTP 404) at {uri.GetLeftPart(UriPartial.Path)}: check the source's URL.");
                if (response.IsSuccessStatusCode)
                {
                    var body = await ReadBodyAsync(response, timeout.Token);
                    if (TryParse(body, out var items, out var next, out var problem)) return (items, next, attempt - 1, faults);
                    fault = problem;
                }
                else
                {
                    fault = $"HTTP {(int)response.StatusCode}";
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                        wait = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date - DateTimeOffset.UtcNow);
                    else if ((int)response.StatusCode < 500)
                        throw new FeedException($"The feed answered HTTP {(int)response.StatusCode}, which retrying will not change.");
                }
            }
            catch (HttpRequestException e)
            {
                fault = "connection failed: " + e.Message;
            }
            catch (IOException e)
            {
                fault = "connection broken: " + e.Message;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                fault = $"no answer within {options.RequestTimeout.TotalSeconds:F0} s";
            }
            faults.Add(fault);
            if (attempt >= options.MaxAttempts)
                throw new FeedException($"The feed failed {attempt} times in a row; last: {fault}.");
            var backoff = options.BaseDelay * Math.Pow(2, attempt - 1);
            var delay = wait is { } w && w > TimeSpan.Zero ? w : backoff;
            await Task.Delay(delay > options.MaxDelay ? options.MaxDelay : delay, ct);
        }
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > options.MaxPageBytes) throw new FeedException($"A feed page is larger than {options.MaxPageBytes:N0} bytes.");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static bool TryParse(byte[] body, out List<JsonElement> items, out string? next, out string problem)
    {
        items = [];
        next = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                problem = "the page has no items array";
                return false;
            }
            foreach (var item in array.EnumerateArray()) items.Add(item.Clone());
            next = root.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            problem = "";
            return true;
        }
        catch (JsonException e)
        {
            problem = "the page is not complete JSON (truncated or malformed): " + e.Message;
            return false;
        }
    }
}
