using System.Net;
using Dashboard.Security.Audit;
using Dashboard.Web.Api;
using Dashboard.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dashboard.Web.Common;

/// <summary>
/// A page whose numbers are tables (and charts drawn from them). Every table can be downloaded as CSV with the
/// page's own query string plus <c>handler=Csv&amp;table=id</c>, so the file holds exactly what the page shows.
/// </summary>
public abstract class DashboardPage : PageModel
{
    public List<DataTable> Tables { get; } = [];

    public List<ChartSpec> Charts { get; } = [];

    /// <summary>The table with <paramref name="id"/>.</summary>
    public DataTable Table(string id) => Tables.Find(t => t.Id == id) ?? throw new KeyNotFoundException($"No table '{id}' on this page.");

    /// <summary>Shown at the top instead of numbers when the api could not answer.</summary>
    public string? ApiError { get; protected set; }

    /// <summary>Loads what the page shows; returns a result to short-circuit (404, 403), or null.</summary>
    protected abstract Task<IActionResult?> LoadAsync(CancellationToken cancellationToken);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await LoadSafelyAsync(cancellationToken);
        if (result is not null) return result;
        foreach (var t in Tables) t.Apply(Request.Query);
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(string table, CancellationToken cancellationToken)
    {
        var result = await LoadSafelyAsync(cancellationToken);
        if (result is not null) return result;
        var t = Tables.Find(x => x.Id == table);
        if (t is null) return NotFound();
        t.Apply(Request.Query);
        var csv = Csv.Write(t);
        // Exported data leaves the system: recorded like the api's exports and downloads (who, what, which rows).
        // A failed audit write fails the export rather than letting data out unrecorded.
        var query = Urls.With(Request);
        await HttpContext.RequestServices.GetRequiredService<IAuditSink>().WriteAsync(new AuditEvent(
            HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime,
            User.Identity?.Name ?? AuditEvent.Anonymous, ClientAddress.Of(HttpContext), AuditAction.Export, $"{Request.Path}#{t.Id}", AuditResult.Success,
            $"CSV {t.View.Count} rows; table {t.Id}; {query}"), cancellationToken);
        return File(csv, "text/csv; charset=utf-8", $"{t.Id}-{Display.Today(TimeProvider.System):yyyyMMdd}.csv");
    }

    /// <summary>True while the request is a CSV download: a page may then load more than one screen of rows.</summary>
    protected bool Exporting => string.Equals(Request.Query["handler"], "Csv", StringComparison.OrdinalIgnoreCase);

    private async Task<IActionResult?> LoadSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await LoadAsync(cancellationToken);
        }
        catch (ApiException e) when (e.Status is HttpStatusCode.Forbidden)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        catch (ApiException e) when (e.Status is HttpStatusCode.BadRequest)
        {
            ApiError = "查询条件无效：" + e.Message;
            return null;
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            // The page still renders (navigation, pickers) and says plainly that the data service is down.
            HttpContext.RequestServices.GetRequiredService<ILogger<DashboardPage>>().LogWarning(e, "api call failed on {Path}", Request.Path);
            ApiError = "数据服务暂时无法访问，请稍后重试。";
            return null;
        }
    }

    /// <summary>The current URL with some query parameters replaced (null removes one).</summary>
    public string WithQuery(params (string Key, string? Value)[] changes) => Urls.With(Request, changes);
}

/// <summary>Stable URLs: the current one with parameters changed.</summary>
public static class Urls
{
    public static string With(HttpRequest request, params (string Key, string? Value)[] changes)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = request.Query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        q.Remove("handler");
        q.Remove("table");
        foreach (var (k, v) in changes)
        {
            if (v is null) q.Remove(k);
            else q[k] = v;
        }
        return request.Path + QueryString.Create(q.Where(p => p.Value.Length > 0).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).ToString();
    }
}
