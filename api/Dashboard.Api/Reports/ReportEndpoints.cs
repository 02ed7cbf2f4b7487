using System.Globalization;
using Dashboard.Api.Security;
using Dashboard.Api.Shared;
using Dashboard.Data.Catalogue;
using Dashboard.Reports;
using Dashboard.Reports.Delivery;
using Dashboard.Reports.Storage;
using Dashboard.Security.Audit;

namespace Dashboard.Api.Reports;

internal static class ReportEndpoints
{

    public static void MapReports(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(ReportPolicies.ReadReports);

        reports.MapGet("/", ListAsync)
            .WithName("ListReports")
            .WithSummary("List a city's supervision bulletins, newest first")
            .WithDescription("Every stored bulletin (督导通报) of the city, newest as-of date first. The city must lie inside your jurisdiction (403 otherwise); 400 when city is missing.")
            .Produces<IReadOnlyList<ReportListItem>>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        reports.MapPost("/", GenerateAsync)
            .WithName("GenerateReport")
            .WithSummary("Generate a city's supervision bulletin now, as of any date")
            .WithDescription("Evaluates the city's scorecard as of asOf, freezes it, renders DOCX, XLSX and HTML, stores them, announces the bulletin to the report office in the app and mails it when a mail server is configured. Synchronous (a few seconds). 400 names the field; 403 outside your jurisdiction; 404 unknown city.")
            .RequireAuthorization(ReportPolicies.GenerateReports)
            .RequireRateLimiting(ApiSecurity.WriteRateLimit)
            .Accepts<GenerateReportInput>("application/json")
            .Produces<ReportDetail>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        reports.MapGet("/compare", CompareAsync)
            .WithName("CompareReports")
            .WithSummary("Compare two bulletins of a city: what changed in ratings and values")
            .WithDescription("Earlier first whichever order a and b are given in; lists every region × target that differs (rating changes first) and counts the unchanged. 400 when a or b is missing or the reports are of different cities; 404 unknown report; 403 outside your jurisdiction.")
            .Produces<ReportComparisonView>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        reports.MapGet("/{id}", GetAsync)
            .WithName("GetReport")
            .WithSummary("Get a bulletin's metadata and summary")
            .WithDescription("What the stored snapshot says, never recomputed: number, period, who generated it, data version, content hash, the summary numbers and the download links. 404 unknown report; 403 outside your jurisdiction.")
            .Produces<ReportDetail>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        reports.MapGet("/{id}/files/{format}", DownloadAsync)
            .WithName("DownloadReport")
            .WithSummary("Download a bulletin as DOCX, XLSX or HTML (audited)")
            .WithDescription("The file byte for byte as generated (its SHA-256 is checked on the way out), as an attachment with its Chinese name (Content-Disposition filename*). Every download is recorded in the audit trail. 400 unknown format; 404 unknown report; 403 outside your jurisdiction.")
            .Produces(StatusCodes.Status200OK, contentType: DocxContentType)
            .Produces(StatusCodes.Status200OK, contentType: XlsxContentType)
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private const string DocxContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    private const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static async Task<IResult> ListAsync(string? city, HttpContext context, ScopeResolver scopes, ApiAudit audit, ReportService reports, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(city)) return ApiProblems.BadParameter("city", "city is required: the code of the city whose bulletins to list.");
        var code = city.Trim();
        if (!(await scopes.ForRequestAsync(context)).Allows(code)) return await Guard.OutsideAsync(context, audit, $"City '{code}'", ct);
        return TypedResults.Ok((await reports.ListAsync(code, ct)).Select(ReportListItem.Of).ToList());
    }

    private static async Task<IResult> GenerateAsync(HttpContext context, ScopeResolver scopes, ApiAudit audit, CatalogueStore catalogue, ReportPublisher publisher,
        TimeProvider clock, ILogger<ReportPublisher> log, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<GenerateReportInput>(context, "the request ({\"city\": …, \"asOf\": \"yyyy-MM-dd\"})", ct);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(input!.City)) return ApiProblems.BadParameter("city", "city is required: the code of the city to report on.");
        if (string.IsNullOrWhiteSpace(input.AsOf)) return ApiProblems.BadParameter("asOf", "asOf is required: the as-of date, written yyyy-MM-dd.");
        if (!DateOnly.TryParseExact(input.AsOf.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf))
            return ApiProblems.BadParameter("asOf", $"asOf: '{input.AsOf}' is not a date written yyyy-MM-dd.");
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(8));
        if (asOf > today) return ApiProblems.BadParameter("asOf", $"asOf: {asOf:yyyy-MM-dd} is in the future (today is {today:yyyy-MM-dd}, China time).");

        var city = input.City.Trim();
        if (await catalogue.FindRegionAsync(city, ct) is null) return ApiProblems.NotFound("city", "city", city);
        if (!(await scopes.ForRequestAsync(context)).Allows(city)) return await Guard.OutsideAsync(context, audit, $"City '{city}'", ct);

        PublishedReport published;
        try
        {
            published = await publisher.PublishAsync(city, asOf, TargetsAuthor(context), ct);
        }
        catch (ReportExistsException e)
        {
            return ApiProblems.Conflict("Report number taken", e.Message + " Another generation for this city ran at the same moment; try again.");
        }
        if (published.Mail.Error is { } error)
            log.LogWarning("Report {ReportId} was stored and announced, but mailing it failed: {Error}", published.Report.Snapshot.Id, error);
        var detail = ReportDetail.Of(published.Report);
        return TypedResults.Created($"/api/reports/{Uri.EscapeDataString(detail.Id)}", detail);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, ScopeResolver scopes, ApiAudit audit, ReportService reports, CancellationToken ct)
    {
        var snapshot = await reports.GetAsync(id, ct);
        if (snapshot is null) return ApiProblems.NotFound("report", "id", id);
        if (!(await scopes.ForRequestAsync(context)).Allows(snapshot.CityCode)) return await Guard.OutsideAsync(context, audit, $"Report '{id}'", ct);
        return TypedResults.Ok(ReportDetail.Of(snapshot));
    }

    private static async Task<IResult> DownloadAsync(string id, string format, HttpContext context, ScopeResolver scopes, ApiAudit audit, ReportService reports,
        CancellationToken ct)
    {
        if (ParseFormat(format) is not { } f) return ApiProblems.BadParameter("format", $"format: '{format}' is not one of docx, xlsx, html.");
        var snapshot = await reports.GetAsync(id, ct);
        if (snapshot is null) return ApiProblems.NotFound("report", "id", id);
        if (!(await scopes.ForRequestAsync(context)).Allows(snapshot.CityCode)) return await Guard.OutsideAsync(context, audit, $"Report '{id}'", ct);
        var file = await reports.GetFileAsync(id, f, ct);
        if (file is null) return ApiProblems.NotFound("file", "format", format);
        await audit.WriteAsync(context, AuditAction.ReportDownload, id, AuditResult.Success,
            $"format {f}; file {file.FileName}; {file.Content.Length} bytes; sha256 {file.Sha256}", ct);
        // A plain-ASCII name for old clients, the Chinese one in filename* (RFC 6266 / RFC 5987).
        var ascii = id + "." + f.ToString().ToLowerInvariant();
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{ascii}\"; filename*=UTF-8''{Uri.EscapeDataString(file.FileName)}";
        return TypedResults.File(file.Content, file.ContentType);
    }

    private static async Task<IResult> CompareAsync(string? a, string? b, HttpContext context, ScopeResolver scopes, ApiAudit audit, ReportService reports,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(a)) return ApiProblems.BadParameter("a", "a is required: the id of one report.");
        if (string.IsNullOrWhiteSpace(b)) return ApiProblems.BadParameter("b", "b is required: the id of the other report.");
        var first = await reports.GetAsync(a.Trim(), ct);
        if (first is null) return ApiProblems.NotFound("report", "a", a.Trim());
        var second = await reports.GetAsync(b.Trim(), ct);
        if (second is null) return ApiProblems.NotFound("report", "b", b.Trim());
        var scope = await scopes.ForRequestAsync(context);
        if (!scope.Allows(first.CityCode)) return await Guard.OutsideAsync(context, audit, $"Report '{first.Id}'", ct);
        if (!scope.Allows(second.CityCode)) return await Guard.OutsideAsync(context, audit, $"Report '{second.Id}'", ct);
        if (first.CityCode != second.CityCode)
            return ApiProblems.BadParameter("b", $"b: report {second.Id} is of city {second.CityCode}, report {first.Id} of {first.CityCode}; compare two reports of one city.");
        return TypedResults.Ok(ReportComparisonView.Of(ReportService.Compare(first, second)));
    }

    private static ReportFormat? ParseFormat(string format) => format.ToLowerInvariant() switch
    {
        "docx" => ReportFormat.Docx,
        "xlsx" => ReportFormat.Xlsx,
        "html" => ReportFormat.Html,
        _ => null,
    };

    private static string TargetsAuthor(HttpContext context) => Targets.TargetEndpoints.Author(context);
}
