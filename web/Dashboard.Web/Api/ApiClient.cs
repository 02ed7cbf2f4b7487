using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dashboard.Web.Security;

namespace Dashboard.Web.Api;

/// <summary>The api answered with an error the page cannot work around.</summary>
public sealed class ApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>Configuration section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    /// <summary>Where the api listens, e.g. http://127.0.0.1:5080/.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>At most this many pages are followed through nextLink for one listing (a guard, not a feature).</summary>
    public int MaxPages { get; set; } = 50;
}

/// <summary>
/// Forwards the signed-in user's session token to the api as a bearer token, so the api applies that user's
/// roles and jurisdiction to every read: the web holds no data scoping of its own.
/// </summary>
public sealed class SessionTokenHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (accessor.HttpContext is { } context && SessionDefaults.Token(context) is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>The web's only way to data: the api's OData service and REST endpoints.</summary>
public sealed class ApiClient(HttpClient http, Microsoft.Extensions.Options.IOptions<ApiOptions> options)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    // ---- OData ----

    /// <summary>Every row of <paramref name="entitySet"/> matching <paramref name="query"/>, following nextLink.</summary>
    public async Task<IReadOnlyList<T>> ListAsync<T>(string entitySet, ODataQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = new List<T>();
        var q = query.ToString();
        Uri? next = new("odata/" + entitySet + (q.Length > 0 ? "?" + q : ""), UriKind.Relative);
        for (var page = 0; next is not null; page++)
        {
            if (page >= options.Value.MaxPages)
                throw new ApiException(HttpStatusCode.RequestEntityTooLarge, $"{entitySet}: more than {options.Value.MaxPages} pages; narrow the query.");
            using var response = await http.GetAsync(next, cancellationToken);
            await EnsureSuccessAsync(response, cancellationToken);
            var body = await response.Content.ReadFromJsonAsync<ODataPage<T>>(Json, cancellationToken)
                ?? throw new ApiException(response.StatusCode, $"{entitySet}: empty answer.");
            rows.AddRange(body.Value);
            next = body.NextLink is { Length: > 0 } link ? SameOrigin(new Uri(link, UriKind.Absolute)) : null;
        }
        return rows;
    }

    /// <summary>One page of <paramref name="entitySet"/> (no nextLink followed) and, when the query asks for it, the total count.</summary>
    public async Task<ODataResult<T>> PageAsync<T>(string entitySet, ODataQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var q = query.ToString();
        using var response = await http.GetAsync(new Uri("odata/" + entitySet + (q.Length > 0 ? "?" + q : ""), UriKind.Relative), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<ODataPage<T>>(Json, cancellationToken)
            ?? throw new ApiException(response.StatusCode, $"{entitySet}: empty answer.");
        return new ODataResult<T>(body.Value, body.Count, body.NextLink is { Length: > 0 });
    }

    /// <summary>One entity by its key path (e.g. <c>Regions('331002')</c>), or null when the api says 404.</summary>
    public async Task<T?> FindAsync<T>(string entitySet, string key, CancellationToken cancellationToken) where T : class
    {
        using var response = await http.GetAsync(new Uri($"odata/{entitySet}({Uri.EscapeDataString(ODataQuery.Literal(key))})", UriKind.Relative), cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden) return null;
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
    }

    public Task<IReadOnlyList<RegionRow>> RegionsAsync(CancellationToken ct) =>
        ListAsync<RegionRow>("Regions", new ODataQuery { OrderBy = "Code" }, ct);

    public Task<IReadOnlyList<IndicatorRow>> IndicatorsAsync(CancellationToken ct) =>
        ListAsync<IndicatorRow>("Indicators", new ODataQuery { OrderBy = "Code" }, ct);

    public Task<IReadOnlyList<TargetRow>> TargetsAsync(string? filter, CancellationToken ct) =>
        ListAsync<TargetRow>("Targets", new ODataQuery { Filter = filter, OrderBy = "Id" }, ct);

    public Task<IReadOnlyList<ScorecardRow>> ScorecardAsync(DateOnly asOf, string? filter, CancellationToken ct) =>
        ListAsync<ScorecardRow>("Scorecard", new ODataQuery { AsOf = asOf, Filter = filter, OrderBy = "RegionCode,TargetId" }, ct);

    /// <summary>
    /// A region's value per period for each of <paramref name="indicatorCodes"/>: sums (and the max) over the region
    /// and all its descendants, as the scorecard engine rolls data up (methodology §2). Read from RegionPeriodSums,
    /// the groups ingestion keeps per judged region (schools are summed into their town there), so only the
    /// subtree's non-school regions are asked for, and ClickHouse adds a few rows instead of every observation.
    /// One request per 60 regions for all the indicators together; an indicator without data has no entry.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<PeriodAggregate>>> RollUpAsync(IReadOnlyCollection<string> subtree,
        IReadOnlyCollection<string> indicatorCodes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subtree);
        ArgumentNullException.ThrowIfNull(indicatorCodes);
        var result = new Dictionary<string, SortedDictionary<DateOnly, PeriodAggregate>>(StringComparer.Ordinal);
        if (indicatorCodes.Count == 0) return new Dictionary<string, IReadOnlyList<PeriodAggregate>>();
        // The in-list counts against the api's filter-node limit (100): ask in chunks and add the sums up here.
        foreach (var chunk in subtree.Chunk(60))
        {
            var filter = ODataQuery.And(ODataQuery.In("IndicatorCode", indicatorCodes), ODataQuery.In("RegionCode", chunk));
            var apply = $"filter({filter})/groupby((IndicatorCode,Period),aggregate(Numerator with sum as Numerator,Denominator with sum as Denominator,SumValue with sum as SumValue,MaxValue with max as MaxValue,LoadedAt with max as LoadedAt))";
            var rows = await ListAsync<IndicatorPeriodAggregate>("RegionPeriodSums", new ODataQuery { Apply = apply, OrderBy = "IndicatorCode,Period" }, ct);
            foreach (var r in rows)
            {
                if (!result.TryGetValue(r.IndicatorCode, out var byPeriod)) result[r.IndicatorCode] = byPeriod = [];
                var p = new PeriodAggregate(r.Period, r.Numerator, r.Denominator, r.SumValue, r.MaxValue, r.LoadedAt);
                byPeriod[r.Period] = byPeriod.TryGetValue(r.Period, out var a)
                    ? new PeriodAggregate(r.Period, Add(a.Numerator, p.Numerator), Add(a.Denominator, p.Denominator), Add(a.SumValue, p.SumValue),
                        Max(a.MaxValue, p.MaxValue), Max(a.LoadedAt, p.LoadedAt))
                    : p;
            }
        }
        return result.ToDictionary(p => p.Key, p => (IReadOnlyList<PeriodAggregate>)p.Value.Values.ToList(), StringComparer.Ordinal);

        static decimal? Add(decimal? x, decimal? y) => x is null ? y : y is null ? x : x + y;
        static T? Max<T>(T? x, T? y) where T : struct, IComparable<T> => x is null ? y : y is null ? x : x.Value.CompareTo(y.Value) >= 0 ? x : y;
    }

    private sealed record IndicatorPeriodAggregate(string IndicatorCode, DateOnly Period, decimal? Numerator, decimal? Denominator, decimal? SumValue,
        decimal? MaxValue, DateTimeOffset? LoadedAt);

    // ---- REST ----

    public async Task<IReadOnlyList<SourceStatusDto>> SourcesAsync(CancellationToken ct) =>
        await GetJsonAsync<List<SourceStatusDto>>("api/sources", ct) ?? [];

    public async Task<IReadOnlyList<PullRunDto>> SourceRunsAsync(string sourceId, int limit, CancellationToken ct) =>
        await GetJsonAsync<List<PullRunDto>>($"api/sources/{Uri.EscapeDataString(sourceId)}/runs?limit={limit.ToString(CultureInfo.InvariantCulture)}", ct) ?? [];

    public Task<PullRunDto?> RunAsync(string runId, CancellationToken ct) =>
        GetJsonAsync<PullRunDto>($"api/runs/{Uri.EscapeDataString(runId)}", ct);

    public async Task<IReadOnlyList<RejectionRow>> RunRejectionsAsync(string runId, int limit, CancellationToken ct) =>
        await GetJsonAsync<List<RejectionRow>>($"api/runs/{Uri.EscapeDataString(runId)}/rejections?limit={limit.ToString(CultureInfo.InvariantCulture)}", ct) ?? [];

    public async Task<ApiWriteResult> RunNowAsync(string sourceId, CancellationToken ct)
    {
        using var response = await http.PostAsync(new Uri($"api/sources/{Uri.EscapeDataString(sourceId)}/run", UriKind.Relative), null, ct);
        return await WriteResultAsync(response, ct);
    }

    /// <summary>Forwards an uploaded file to the api (multipart field <c>file</c>).</summary>
    public async Task<UploadOutcome> UploadAsync(string sourceId, Stream file, string fileName, CancellationToken ct)
    {
        using var content = new MultipartFormDataContent();
        using var part = new StreamContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(part, "file", fileName);
        using var response = await http.PostAsync(new Uri($"api/sources/{Uri.EscapeDataString(sourceId)}/uploads", UriKind.Relative), content, ct);
        if (response.IsSuccessStatusCode)
            return new UploadOutcome(await response.Content.ReadFromJsonAsync<UploadResultDto>(Json, ct), null);
        return new UploadOutcome(null, await ProblemMessageAsync(response, ct));
    }

    /// <summary>The upload template, as the api serves it.</summary>
    public async Task<byte[]> TemplateAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri("api/uploads/template.csv", UriKind.Relative), ct);
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    public async Task<IReadOnlyList<StoredOverrideDto>> OverridesAsync(string regionCode, CancellationToken ct) =>
        await GetJsonAsync<List<StoredOverrideDto>>($"api/overrides?regionCode={Uri.EscapeDataString(regionCode)}", ct) ?? [];

    public async Task<ApiWriteResult> AddOverrideAsync(string regionCode, string targetId, string status, string reason, DateOnly validFrom, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri("api/overrides", UriKind.Relative),
            new { regionCode, targetId, status, reason, validFrom = ODataQuery.Literal(validFrom) }, Json, ct);
        return await WriteResultAsync(response, ct);
    }

    public async Task<IReadOnlyList<TargetVersionDto>> TargetHistoryAsync(string id, CancellationToken ct) =>
        await GetJsonAsync<List<TargetVersionDto>>($"api/targets/{Uri.EscapeDataString(id)}", ct) ?? [];

    public async Task<ApiWriteResult> EditTargetAsync(string id, TargetInputDto input, CancellationToken ct)
    {
        using var response = await http.PutAsJsonAsync(new Uri($"api/targets/{Uri.EscapeDataString(id)}", UriKind.Relative), input, Json, ct);
        return await WriteResultAsync(response, ct);
    }

    // ---- reports and notices ----

    public async Task<IReadOnlyList<ReportListItemDto>> ReportsAsync(string city, CancellationToken ct) =>
        await GetJsonAsync<List<ReportListItemDto>>($"api/reports?city={Uri.EscapeDataString(city)}", ct) ?? [];

    public Task<ReportDetailDto?> ReportAsync(string id, CancellationToken ct) =>
        GetJsonAsync<ReportDetailDto>($"api/reports/{Uri.EscapeDataString(id)}", ct);

    /// <summary>Generates a bulletin now (synchronous in the api: a few seconds).</summary>
    public async Task<GenerateOutcome> GenerateReportAsync(string city, DateOnly asOf, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri("api/reports", UriKind.Relative), new { city, asOf = ODataQuery.Literal(asOf) }, Json, ct);
        if (response.IsSuccessStatusCode) return new GenerateOutcome(await response.Content.ReadFromJsonAsync<ReportDetailDto>(Json, ct), null);
        if (response.StatusCode is HttpStatusCode.Forbidden) throw new ApiException(response.StatusCode, "forbidden");
        return new GenerateOutcome(null, await ProblemMessageAsync(response, ct));
    }

    /// <summary>What changed between two bulletins of one city; null when either is unknown (404).</summary>
    public Task<ReportComparisonDto?> CompareReportsAsync(string a, string b, CancellationToken ct) =>
        GetJsonAsync<ReportComparisonDto>($"api/reports/compare?a={Uri.EscapeDataString(a)}&b={Uri.EscapeDataString(b)}", ct);

    /// <summary>
    /// A report file, fetched as the signed-in user so the api checks jurisdiction and audits the download;
    /// null when the api does not know it (404).
    /// </summary>
    public async Task<ReportFileDto?> ReportFileAsync(string id, string format, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri($"api/reports/{Uri.EscapeDataString(id)}/files/{Uri.EscapeDataString(format)}", UriKind.Relative), ct);
        if (response.StatusCode is HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, ct);
        return new ReportFileDto(await response.Content.ReadAsByteArrayAsync(ct),
            response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream",
            response.Content.Headers.ContentDisposition?.ToString() ?? (response.Headers.TryGetValues("Content-Disposition", out var v) ? string.Join(",", v) : null));
    }

    public async Task<IReadOnlyList<NotificationDto>> NotificationsAsync(CancellationToken ct) =>
        await GetJsonAsync<List<NotificationDto>>("api/notifications", ct) ?? [];

    public async Task<ApiWriteResult> MarkNotificationReadAsync(string id, CancellationToken ct)
    {
        using var response = await http.PostAsync(new Uri($"api/notifications/{Uri.EscapeDataString(id)}/read", UriKind.Relative), null, ct);
        return await WriteResultAsync(response, ct);
    }

    // ---- plumbing ----

    private async Task<T?> GetJsonAsync<T>(string path, CancellationToken ct) where T : class
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), ct);
        if (response.StatusCode is HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct);
    }

    /// <summary>A nextLink is followed only on the api's own origin, so the bearer token never goes elsewhere.</summary>
    private Uri SameOrigin(Uri link)
    {
        var api = http.BaseAddress ?? throw new InvalidOperationException("Api:BaseUrl is not set.");
        if (Uri.Compare(link, api, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            throw new ApiException(HttpStatusCode.BadGateway, "The api's nextLink points to another origin.");
        return link;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        throw new ApiException(response.StatusCode, await ProblemMessageAsync(response, ct));
    }

    private static async Task<ApiWriteResult> WriteResultAsync(HttpResponseMessage response, CancellationToken ct) =>
        response.IsSuccessStatusCode
            ? new ApiWriteResult(true, (int)response.StatusCode, null)
            : new ApiWriteResult(false, (int)response.StatusCode, await ProblemMessageAsync(response, ct));

    /// <summary>The message of an OData error or a problem-details body; the status line otherwise.</summary>
    private static async Task<string> ProblemMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out var e) && e.TryGetProperty("message", out var m)) return m.GetString() ?? "";
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                return string.Join("；", errors.EnumerateObject().SelectMany(p => p.Value.EnumerateArray().Select(v => v.GetString())));
            if (root.TryGetProperty("detail", out var d) && d.GetString() is { Length: > 0 } detail) return detail;
            if (root.TryGetProperty("title", out var t)) return t.GetString() ?? "";
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, an empty body): fall through to the status line.
            return $"api {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        return $"api {(int)response.StatusCode} {response.ReasonPhrase}";
    }

    private sealed record ODataPage<T>(IReadOnlyList<T> Value)
    {
        [JsonPropertyName("@odata.nextLink")]
        public string? NextLink { get; init; }

        [JsonPropertyName("@odata.count")]
        public long? Count { get; init; }
    }
}
