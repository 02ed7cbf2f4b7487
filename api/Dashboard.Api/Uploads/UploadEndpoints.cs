using System.Buffers;
using System.Text;
using Dashboard.Api.Security;
using Dashboard.Api.Shared;
using Dashboard.Security.Audit;
using Dashboard.Api.Sources;
using Dashboard.Data.Ingestion;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Dashboard.Api.Uploads;

/// <summary>The outcome of an upload whose file was read: the run, and every data row's outcome.</summary>
/// <param name="Run">The recorded run (trigger Upload): Succeeded, or PartiallySucceeded when rows were quarantined.</param>
/// <param name="Rows">One entry per data row, by its line (CSV) or row (XLSX) number; the header is row 1.</param>
public sealed record UploadResult(PullRun Run, IReadOnlyList<RowResult> Rows);

internal static class UploadEndpoints
{
    /// <summary>The form field that carries the file.</summary>
    public const string FileField = "file";

    /// <summary>Uploads announced at most this large are buffered in memory; others (and chunked ones) in a temporary file.</summary>
    private const long InMemoryLimit = 1024 * 1024;

    /// <summary>The contract's example row (shared/contracts/district-feed.md), in file form.</summary>
    private const string ExampleRow = "320583102,PUBLIC_ABSORPTION,2025-09,18234,21010,,2,2025-10-08T09:30:00+08:00";

    private static readonly byte[] TemplateBytes =
        [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(string.Join(',', FeedRow.Columns) + "\r\n" + ExampleRow + "\r\n")];

    public static void MapUploads(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/sources/{id}/uploads", UploadAsync)
            .WithName("UploadSourceFile")
            .WithTags("Uploads")
            .WithSummary("Upload a CSV or XLSX file of observations for a source")
            .WithDescription(
                "multipart/form-data with one file in the field 'file' (.csv in UTF-8 or GB18030, or .xlsx; header row " +
                "region,indicator,period,numerator,denominator,value,revision,updatedAt; see GET /api/uploads/template.csv). " +
                "Rows outside the source's region are rejected. 200 with the run and each row's outcome when the file was read, " +
                "even if rows were quarantined; 422 with the run and the reason (Chinese) when the file was refused whole; " +
                "400 when the 'file' field is missing or not a .csv/.xlsx file; 413 past the size limit (Uploads:MaxBytes); 404 unknown source.")
            .RequireAuthorization(Policies.SubmitData)
            .WithMetadata(new MultipartFileUpload(FileField,
                "The .csv (UTF-8 or GB18030) or .xlsx file, header row first: region,indicator,period,numerator,denominator,value,revision,updatedAt."))
            .Produces<UploadResult>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        app.MapGet("/api/uploads/template.csv", () => TypedResults.File(TemplateBytes, "text/csv; charset=utf-8", "observations-template.csv"))
            .WithName("GetUploadTemplate")
            .WithTags("Uploads")
            .WithSummary("Download the CSV template for uploads (header and one example row)")
            .WithDescription("UTF-8 with BOM so Excel shows Chinese text correctly; the header is the district feed contract's, followed by one example row.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
    }

    private static async Task<IResult> UploadAsync(
        string id, HttpContext context, ScopeResolver scopes, ApiAudit audit, SourceRegistry registry, PullService pulls, IOptions<FileFeedOptions> options,
        ILogger<UploadResult> logger, CancellationToken ct)
    {
        if (registry.Find(id) is not { } source) return SourceEndpoints.UnknownSource(id);
        if (!(await scopes.ForRequestAsync(context)).AllowsSource(id)) return await Guard.OutsideAsync(context, audit, $"Source '{id}'", ct);
        var limits = options.Value;

        var (file, fileName, problem) = await ReadFileAsync(context, limits, ct);
        if (problem is not null) return problem;
        await using (file)
        {
            file!.Position = 0;
            var (run, rows) = await pulls.LoadFileAsync(source.Id, source.RegionCode, file, fileName!, RunTrigger.Upload, limits, ct);
            logger.LogInformation("Upload {FileName} ({Bytes} bytes) for source {SourceId}: run {RunId} {Status}, {Loaded} loaded, {Rejected} rejected",
                fileName, file.Length, source.Id, run.Id, run.Status, run.RowsLoaded, run.RowsRejected);
            await audit.WriteAsync(context, AuditAction.Upload, $"source {source.Id}, run {run.Id}",
                run.Status == RunStatus.Failed ? AuditResult.Failure : AuditResult.Success,
                $"file {fileName}, {file.Length} bytes: {run.RowsLoaded} rows loaded, {run.RowsRejected} rejected", ct);

            if (run.Status != RunStatus.Failed) return TypedResults.Ok(new UploadResult(run, rows));
            // PullService reports a load that its storage interrupted as "stopped after N rows: …"; anything
            // else failed is a file refused whole by FileFeedReader (nothing read, nothing stored).
            if (run.RowsReceived == 0 && rows.Count == 0 && !run.Error.StartsWith("stopped after ", StringComparison.Ordinal))
            {
                return Results.ValidationProblem(
                    new Dictionary<string, string[]>(StringComparer.Ordinal) { [FileField] = [run.Error] },
                    detail: run.Error,
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "File refused",
                    extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["run"] = run });
            }
            return TypedResults.Problem(
                detail: $"The load of {fileName} stopped before the end; rows stored before that stay stored and the run says where it stopped: {run.Error}",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Upload interrupted",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["run"] = run, ["rowsProcessed"] = rows.Count });
        }
    }

    /// <summary>
    /// Streams the multipart body and copies the part named <c>file</c> into a buffer without reading more
    /// than <see cref="FileFeedOptions.MaxBytes"/> + 1 bytes of it. Returns the buffer and the file's name,
    /// or the problem to answer with.
    /// </summary>
    private static async Task<(Stream? File, string? FileName, IResult? Problem)> ReadFileAsync(HttpContext context, FileFeedOptions limits, CancellationToken ct)
    {
        var request = context.Request;
        var bodyLimit = limits.MaxBytes + IngestionServices.MultipartOverhead;
        // This endpoint's own request-body limit (Kestrel's default of ~30 MB applies everywhere else).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize) bodySize.MaxRequestBodySize = bodyLimit;
        if (request.ContentLength > bodyLimit) return (null, null, TooLarge(limits));

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary) is not { Length: > 0 and <= 70 } boundary)
        {
            return (null, null, ApiProblems.BadParameter(FileField,
                $"请以 multipart/form-data 上传，文件放在字段 '{FileField}' 中。 Send multipart/form-data with the .csv or .xlsx file in the form field '{FileField}' (got Content-Type '{request.ContentType ?? "none"}')."));
        }

        Stream? buffer = null;
        try
        {
            var reader = new MultipartReader(boundary.ToString(), request.Body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, FileField, StringComparison.Ordinal))
                {
                    continue;   // other form fields are ignored (the reader skips their bodies)
                }
                if (!disposition.IsFileDisposition())
                    return (null, null, ApiProblems.BadParameter(FileField, $"字段 '{FileField}' 应为文件。 The form field '{FileField}' must be a file (its part has no filename)."));

                var fileName = SafeFileName(disposition);
                var extension = Path.GetExtension(fileName).ToLowerInvariant();
                if (extension is not (".csv" or ".xlsx"))
                {
                    return (null, null, ApiProblems.BadParameter(FileField,
                        $"不支持的文件类型“{extension}”：请上传 .csv 或 .xlsx 文件。 The form field '{FileField}' must hold a .csv or .xlsx file; got '{fileName}'."));
                }

                buffer = request.ContentLength is { } length && length <= InMemoryLimit
                    ? new MemoryStream((int)length)
                    : new FileStream(Path.Combine(Path.GetTempPath(), "dashboard-upload-" + Guid.NewGuid().ToString("N") + extension),
                        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                if (!await CopyWithinLimitAsync(section.Body, buffer, limits.MaxBytes, ct)) return (null, null, TooLarge(limits));
                var result = (buffer, fileName, (IResult?)null);
                buffer = null;   // handed to the caller, which disposes it
                return result;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, null, TooLarge(limits));
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException)
        {
            // A malformed or truncated multipart body (IOException also covers a client that went away).
            return (null, null, ApiProblems.BadParameter(FileField,
                $"无法读取上传内容。 The multipart body could not be read, so the form field '{FileField}' is unusable: {e.Message}"));
        }
        finally
        {
            if (buffer is not null) await buffer.DisposeAsync();
        }
        return (null, null, ApiProblems.BadParameter(FileField,
            $"缺少文件字段 '{FileField}'。 The form field '{FileField}' is missing: send the .csv or .xlsx file as multipart/form-data field '{FileField}'."));
    }

    /// <summary>Copies at most <paramref name="maxBytes"/> + 1 bytes; false when the source had more than <paramref name="maxBytes"/>.</summary>
    private static async Task<bool> CopyWithinLimitAsync(Stream source, Stream target, long maxBytes, CancellationToken ct)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            while (true)
            {
                var want = (int)Math.Min(chunk.Length, maxBytes + 1 - total);
                if (want <= 0) return false;
                var read = await source.ReadAsync(chunk.AsMemory(0, want), ct);
                if (read == 0) return true;
                total += read;
                if (total > maxBytes) return false;
                await target.WriteAsync(chunk.AsMemory(0, read), ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The file's own name, without any client path, control characters or excessive length.</summary>
    private static string SafeFileName(ContentDispositionHeaderValue disposition)
    {
        var raw = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value! : HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "";
        var name = raw[(raw.LastIndexOfAny(['/', '\\']) + 1)..];
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length > 200) name = name[..(200 - Path.GetExtension(name).Length)] + Path.GetExtension(name);
        return name;
    }

    private static ProblemHttpResult TooLarge(FileFeedOptions limits) => TypedResults.Problem(
        detail: $"文件超过大小上限 {ApiProblems.Bytes(limits.MaxBytes)} 字节。 The file in the form field '{FileField}' is larger than the limit of {ApiProblems.Bytes(limits.MaxBytes)} bytes (Uploads:MaxBytes).",
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "File too large",
        extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["field"] = FileField, ["maxBytes"] = limits.MaxBytes });
}
