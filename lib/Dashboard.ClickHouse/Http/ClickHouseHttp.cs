using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Sql;

namespace Dashboard.ClickHouse.Http;

/// <summary>
/// The HTTP side of the provider: one pooled handler per process, request construction, error parsing
/// and server-side cancellation. Sync and async senders share everything but the send itself.
/// </summary>
internal static partial class ClickHouseHttp
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    // One handler per process: connections are pooled and recycled, and a dead server fails fast at
    // connect instead of hanging.
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        MaxConnectionsPerServer = 64,
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    [GeneratedRegex(@"^Code: (\d+)[,.]\s*(?:e\.displayText\(\) = )?(?:DB::Exception: )?(.*?)(?:, e\.what\(\) = [\w:]+)?\s*$", RegexOptions.Singleline)]
    private static partial Regex ErrorPattern();

    /// <summary>Builds a request that runs <paramref name="sql"/> (sent in the body) or, when <paramref name="body"/> is given, an INSERT whose data is the body and whose SQL goes in the URL.</summary>
    public static HttpRequestMessage CreateRequest(
        ClickHouseConnectionStringBuilder cs, string? database, string sql, string queryId,
        IEnumerable<KeyValuePair<string, string>> settings, HttpContent? body = null)
    {
        var url = new StringBuilder(cs.BaseUri.ToString()).Append('?');
        AppendParam(url, "query_id", queryId);
        if (!string.IsNullOrEmpty(database)) AppendParam(url, "database", database);
        if (cs.Compression) AppendParam(url, "enable_http_compression", "1");
        foreach (var (key, value) in settings) AppendParam(url, SqlIdentifier.Validate(key), value);
        if (body is not null) AppendParam(url, "query", sql);

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url.ToString(0, url.Length - 1)))
        {
            Content = body ?? new StringContent(sql, Encoding.UTF8, "text/plain"),
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(cs.User + ":" + cs.Password));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        if (cs.Compression) request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        return request;
    }

    private static void AppendParam(StringBuilder url, string key, string value) =>
        url.Append(key).Append('=').Append(Uri.EscapeDataString(value)).Append('&');

    public static async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string sql, string queryId, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ClickHouseConnectionException(Endpoint(request), e);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxErrorBodyBytes];
            var n = 0;
            int read;
            while (n < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(n), ct)) > 0) n += read;
            throw ErrorFromBody(response.StatusCode, Encoding.UTF8.GetString(buffer, 0, n), sql, queryId);
        }
    }

    public static HttpResponseMessage Send(HttpRequestMessage request, string sql, string queryId, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = Client.Send(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ClickHouseConnectionException(Endpoint(request), e);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            using var stream = response.Content.ReadAsStream(ct);
            var buffer = new byte[MaxErrorBodyBytes];
            var n = 0;
            int read;
            while (n < buffer.Length && (read = stream.Read(buffer, n, buffer.Length - n)) > 0) n += read;
            throw ErrorFromBody(response.StatusCode, Encoding.UTF8.GetString(buffer, 0, n), sql, queryId);
        }
    }

    /// <summary>Recognises a ClickHouse error text (<c>Code: 60, e.displayText() = …</c> or <c>Code: 60. DB::Exception: …</c>).</summary>
    public static bool TryParseError(string text, out int code, out string message)
    {
        var m = ErrorPattern().Match(text.Trim());
        if (m.Success && int.TryParse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out code))
        {
            message = m.Groups[2].Value.Trim();
            return true;
        }
        code = 0;
        message = "";
        return false;
    }

    public static ClickHouseException ErrorFromBody(HttpStatusCode status, string body, string sql, string queryId)
    {
        if (TryParseError(body, out var code, out var message))
            return new ClickHouseException(code, message, sql, queryId);
        var kind = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? ClickHouseErrorKind.Authentication : ClickHouseErrorKind.Query;
        var text = body.Length > 500 ? body[..500] + "…" : body;
        return new ClickHouseException(kind, $"ClickHouse answered HTTP {(int)status}: {text}", sql, queryId);
    }

    /// <summary>
    /// Stops a query on the server (closing the HTTP request alone leaves it running until it next writes).
    /// Returns false, with the reason traced, when the kill could not be sent.
    /// </summary>
    public static async Task<bool> KillAsync(ClickHouseConnectionStringBuilder cs, string queryId)
    {
        var sql = KillSql(queryId);
        var id = Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var request = CreateRequest(cs, null, sql, id, []);
        try
        {
            using var response = await SendAsync(request, sql, id, cts.Token);
            return true;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or IOException)
        {
            Trace.TraceWarning("Could not kill ClickHouse query {0}: {1}", queryId, e.Message);
            return false;
        }
    }

    /// <inheritdoc cref="KillAsync"/>
    public static bool Kill(ClickHouseConnectionStringBuilder cs, string queryId)
    {
        var sql = KillSql(queryId);
        var id = Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var request = CreateRequest(cs, null, sql, id, []);
        try
        {
            using var response = Send(request, sql, id, cts.Token);
            return true;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or IOException)
        {
            Trace.TraceWarning("Could not kill ClickHouse query {0}: {1}", queryId, e.Message);
            return false;
        }
    }

    private static string KillSql(string queryId) => "KILL QUERY WHERE query_id = " + SqlLiteral.Format(queryId) + " ASYNC";

    private static string Endpoint(HttpRequestMessage request) => request.RequestUri!.GetLeftPart(UriPartial.Authority);
}
