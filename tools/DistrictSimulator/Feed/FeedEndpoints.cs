using System.Text;
using DistrictSimulator.Faults;
using DistrictSimulator.Generation;
using DistrictSimulator.Sources;

namespace DistrictSimulator.Feed;

/// <summary>The contract's feed, per source under <c>/{sourceId}</c>: the JSON pages and the same rows as CSV and XLSX files.</summary>
internal static class FeedEndpoints
{
    private enum Format
    {
        Json,
        Csv,
        Xlsx,
    }

    public static void MapFeed(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{sourceId}/v1/observations", (HttpContext c, string sourceId) => ServeAsync(c, sourceId, Format.Json));
        app.MapGet("/{sourceId}/v1/observations.csv", (HttpContext c, string sourceId) => ServeAsync(c, sourceId, Format.Csv));
        app.MapGet("/{sourceId}/v1/observations.xlsx", (HttpContext c, string sourceId) => ServeAsync(c, sourceId, Format.Xlsx));
    }

    private static async Task ServeAsync(HttpContext context, string sourceId, Format format)
    {
        var services = context.RequestServices;
        var data = services.GetRequiredService<SimulatorState>().Data;
        var faults = services.GetRequiredService<FaultRegistry>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("DistrictSimulator.Feed");
        var ct = context.RequestAborted;

        if (data.Find(sourceId) is not { } source)
        {
            await Results.Problem($"No source '{sourceId}'; GET /v1/sources lists them.", statusCode: StatusCodes.Status404NotFound).ExecuteAsync(context);
            return;
        }
        if (!services.GetRequiredService<SourceAuth>().IsAuthorized(context.Request, sourceId))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem("Send Authorization: Bearer {token} with this source's token.", statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
            return;
        }
        var q = context.Request.Query;
        var (query, error) = FeedQuery.Parse(q["since"], format == Format.Json ? q["cursor"].ToString() : null, format == Format.Json ? q["limit"].ToString() : null);
        Encoding? encoding = null;
        var preamble = true;
        if (error is null && format == Format.Csv) (encoding, preamble, error) = CsvEncoding(q["encoding"]);
        var names = false;
        if (error is null && format != Format.Json && q.ContainsKey("names"))
        {
            if (!bool.TryParse(q["names"], out names)) error = "names must be true or false.";
        }
        if (error is not null)
        {
            await Results.Problem(error, statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        var decision = faults.Next(sourceId);
        var settings = decision.Settings;
        if (settings.LatencyMs > 0) await Task.Delay(settings.LatencyMs, ct);
        if (decision.TooManyRequests)
        {
            logger.LogInformation("{Source} request {Number}: 429 (fault)", sourceId, decision.RequestNumber);
            context.Response.Headers.RetryAfter = "1";
            await Results.Problem("Too many requests (simulated).", statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context);
            return;
        }
        if (decision.ServerError)
        {
            logger.LogInformation("{Source} request {Number}: 503 (fault)", sourceId, decision.RequestNumber);
            await Results.Problem("Service unavailable (simulated).", statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
            return;
        }

        byte[] body;
        string contentType;
        Func<OutRow, (string, string)>? namer = names ? row => Names(data, row) : null;
        switch (format)
        {
            case Format.Json:
                FeedPage page;
                if (decision.RepeatPage && faults.LastPage(sourceId) is { } previous)
                {
                    logger.LogInformation("{Source} request {Number}: previous page repeated (fault)", sourceId, decision.RequestNumber);
                    page = previous;
                }
                else
                {
                    page = query!.Page(source.Rows);
                    faults.RememberPage(sourceId, page);
                }
                body = FeedWriters.Json(sourceId, OutRow.Compose(page.Rows, settings, source, data.Today), page.Next);
                contentType = "application/json; charset=utf-8";
                break;
            case Format.Csv:
                body = FeedWriters.Csv(OutRow.Compose(FeedQuery.All(source.Rows, query!.Since), settings, source, data.Today), encoding!, preamble, namer);
                contentType = $"text/csv; charset={encoding!.WebName}";
                context.Response.Headers.ContentDisposition = $"attachment; filename=\"{sourceId}-observations.csv\"";
                break;
            default:
                body = FeedWriters.Xlsx(OutRow.Compose(FeedQuery.All(source.Rows, query!.Since), settings, source, data.Today), namer);
                contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                context.Response.Headers.ContentDisposition = $"attachment; filename=\"{sourceId}-observations.xlsx\"";
                break;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        if (decision.Reset)
        {
            var afterHeaders = decision.ResetAfterHeaders;
            logger.LogInformation("{Source} request {Number}: connection reset {Where} (fault)", sourceId, decision.RequestNumber, afterHeaders ? "after the headers" : "mid-body");
            context.Response.ContentLength = body.Length;
            await context.Response.StartAsync(ct);
            if (!afterHeaders) await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), ct);
            await context.Response.Body.FlushAsync(ct);
            // Let the transport put what was flushed on the wire before the connection is torn down.
            await Task.Delay(100, ct);
            context.Abort();
            return;
        }
        if (decision.Truncate)
        {
            logger.LogInformation("{Source} request {Number}: body truncated (fault)", sourceId, decision.RequestNumber);
            await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), ct);
            return;
        }
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, ct);
    }

    private static (Encoding? Encoding, bool Preamble, string? Error) CsvEncoding(string? name) =>
        (name ?? "").Trim().ToUpperInvariant() switch
        {
            "" or "UTF-8" or "UTF8" => (new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), true, null),
            "UTF-8-NOBOM" or "UTF8-NOBOM" => (new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), false, null),
            "GB18030" => (Encoding.GetEncoding("GB18030"), false, null),
            _ => (null, false, $"encoding must be utf-8 (with BOM, the default), utf-8-nobom or gb18030; got '{name}'."),
        };

    private static (string Region, string Indicator) Names(SimulatorData data, OutRow row) => (
        data.Catalogue.Regions.TryGetValue(row.Region, out var r) ? r.Name : "",
        data.Catalogue.Indicators.TryGetValue(row.Indicator, out var i) ? i.Name : "");
}
