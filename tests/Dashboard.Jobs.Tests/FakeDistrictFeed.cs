using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Dashboard.Data.Catalogue;

namespace Dashboard.Jobs.Tests;

/// <summary>One (region, indicator, period) a fake feed reports, the period written as the contract wants it.</summary>
public sealed record FeedKey(string Region, Indicator Indicator, string Period);

/// <summary>
/// A district system of any size, in the test process: serves the feed contract's JSON pages
/// (<c>GET /{sourceId}/v1/observations?since=&amp;cursor=&amp;limit=</c>, bearer token) on a loopback port,
/// generating each page on the fly so a 200,000-row source costs the test no memory. The rows are spread
/// evenly over the keys' years, in year order as a real feed's updatedAt order has them; within a year,
/// row j reports the year's key j mod K at revision j div K + 1. Row i is updated i seconds after a fixed
/// instant: every row is valid, rows are in updatedAt order (so <c>since</c> works), and each restatement
/// has a higher revision.
/// </summary>
public sealed class FakeDistrictFeed : IAsyncDisposable
{
    private static readonly DateTimeOffset FirstUpdate = new(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly HttpListener _listener = new();
    private readonly string _sourceId;
    private readonly string _token;
    private readonly IReadOnlyList<FeedKey>[] _years;
    private readonly int _perYear;
    private readonly Task _loop;
    private int _requests;

    public FakeDistrictFeed(string sourceId, string token, IReadOnlyList<FeedKey> keys, int rows)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0) throw new ArgumentException("Give the feed at least one key.", nameof(keys));
        _sourceId = sourceId;
        _token = token;
        _years = keys.GroupBy(k => k.Period[..4], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<FeedKey>)g.ToList()).ToArray();
        _perYear = (rows + _years.Length - 1) / _years.Length;
        Rows = rows;
        var port = ChildProcess.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{sourceId}");
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>The source's base URL (the platform calls {Url}/v1/observations).</summary>
    public Uri Url { get; }

    /// <summary>Rows the source holds.</summary>
    public int Rows { get; }

    /// <summary>Authenticated page requests served.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every (region, indicator, period) of the region's area from 2019 to 2026: the keys a county's system could report.</summary>
    public static async Task<List<FeedKey>> KeysAsync(CatalogueStore catalogue, string regionRoot)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var regions = await catalogue.GetRegionCodesAsync(regionRoot, CancellationToken.None);
        var indicators = await catalogue.GetIndicatorsAsync(CancellationToken.None);
        var keys = new List<(DateOnly Start, FeedKey Key)>();
        foreach (var region in regions)
            foreach (var indicator in indicators)
                foreach (var (start, period) in Periods(indicator.Periodicity))
                    keys.Add((start, new FeedKey(region, indicator, period)));
        return keys.OrderBy(k => k.Start).ThenBy(k => k.Key.Region, StringComparer.Ordinal).ThenBy(k => k.Key.Indicator.Code, StringComparer.Ordinal)
            .Select(k => k.Key).ToList();
    }

    private static IEnumerable<(DateOnly Start, string Period)> Periods(Periodicity periodicity)
    {
        for (var year = 2019; year <= 2026; year++)
        {
            var y = year.ToString(CultureInfo.InvariantCulture);
            switch (periodicity)
            {
                case Periodicity.Year:
                    yield return (new DateOnly(year, 1, 1), y);
                    break;
                case Periodicity.Term:
                    yield return (new DateOnly(year, 3, 1), y + "-03");
                    yield return (new DateOnly(year, 9, 1), y + "-09");
                    break;
                default:
                    // Months up to October 2026: never after the pull date.
                    for (var m = 1; m <= (year == 2026 ? 10 : 12); m++)
                        yield return (new DateOnly(year, m, 1), y + "-" + m.ToString("D2", CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

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
            if (request.Url?.AbsolutePath != $"/{_sourceId}/v1/observations")
            {
                response.StatusCode = 404;
                return;
            }
            if (request.Headers["Authorization"] != "Bearer " + _token)
            {
                response.StatusCode = 401;
                response.AddHeader("WWW-Authenticate", "Bearer");
                return;
            }
            Interlocked.Increment(ref _requests);
            var limit = int.TryParse(request.QueryString["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0 ? Math.Min(l, 5000) : 500;
            var start = 0;
            if (request.QueryString["since"] is { Length: > 0 } since)
            {
                var seconds = (DateTimeOffset.Parse(since, CultureInfo.InvariantCulture) - FirstUpdate).TotalSeconds;
                start = (int)Math.Clamp(Math.Ceiling(seconds), 0, Rows);
            }
            if (request.QueryString["cursor"] is { Length: > 0 } cursor) start = int.Parse(cursor, NumberStyles.None, CultureInfo.InvariantCulture);
            var end = Math.Min(Rows, start + limit);

            var body = new ArrayBufferWriter<byte>(256 * (end - start) + 256);
            await using (var json = new Utf8JsonWriter(body))
            {
                json.WriteStartObject();
                json.WriteString("source", _sourceId);
                json.WriteStartArray("items");
                for (var i = start; i < end; i++) WriteRow(json, i);
                json.WriteEndArray();
                if (end < Rows) json.WriteString("next", end.ToString(CultureInfo.InvariantCulture));
                else json.WriteNull("next");
                json.WriteEndObject();
            }
            response.StatusCode = 200;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength64 = body.WrittenCount;
            await response.OutputStream.WriteAsync(body.WrittenMemory);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The platform hung up (or the test ended); it retries a page it did not get, so nothing is lost.
            return;
        }
        finally
        {
            response.Close();
        }
    }

    private void WriteRow(Utf8JsonWriter json, int i)
    {
        var year = _years[i / _perYear];
        var j = i % _perYear;
        var key = year[j % year.Count];
        json.WriteStartObject();
        json.WriteString("region", key.Region);
        json.WriteString("indicator", key.Indicator.Code);
        json.WriteString("period", key.Period);
        if (key.Indicator.Kind == IndicatorKind.Ratio)
        {
            // numerator ≤ denominator, as shares require.
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
        json.WriteNumber("revision", j / year.Count + 1);
        json.WriteString("updatedAt", FirstUpdate.AddSeconds(i).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        json.WriteEndObject();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        // Bounded: the accept loop ends as soon as the listener stops.
        await _loop.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
