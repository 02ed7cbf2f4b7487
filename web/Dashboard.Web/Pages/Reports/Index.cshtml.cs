using System.Globalization;
using Dashboard.Web.Api;
using Dashboard.Web.Common;
using Dashboard.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Reports;

/// <summary>
/// The bulletin archive of a city: generate one as of a date, download its DOCX, XLSX or print view (through the
/// api as the signed-in user, so the api checks jurisdiction and audits each download), compare two, and the
/// user's in-app notices.
/// </summary>
public sealed class IndexModel(ApiClient api, Microsoft.Extensions.Caching.Memory.IMemoryCache cache, TimeProvider clock) : DashboardPage
{
    [BindProperty(SupportsGet = true)] public string? City { get; set; }
    [BindProperty(SupportsGet = true)] public string? A { get; set; }
    [BindProperty(SupportsGet = true)] public string? B { get; set; }
    [BindProperty(SupportsGet = true)] public string? Msg { get; set; }
    [BindProperty(SupportsGet = true)] public string? Id { get; set; }
    [BindProperty] public string? GenerateAsOf { get; set; }
    [BindProperty] public string? NoticeId { get; set; }

    public IReadOnlyList<RegionRow> Cities { get; private set; } = [];
    public RegionRow? SelectedCity { get; private set; }
    public IReadOnlyList<ReportListItemDto> Archive { get; private set; } = [];
    public ReportDetailDto? Latest { get; private set; }
    public ReportComparisonDto? Comparison { get; private set; }
    public IReadOnlyList<NotificationDto> Notices { get; private set; } = [];
    public string? FormError { get; private set; }
    public bool CanGenerate => Policies.Allows(User, Policies.GenerateReports);
    public string Today => AsOf.Text(Display.Today(clock));

    public string? Message => Msg switch
    {
        "generated" => $"已生成督导通报 {Id}，已归档并通知报告办。",
        _ => null,
    };

    /// <summary>Download link of a report file, served by this page's File handler.</summary>
    public static string FileUrl(string id, string format) =>
        $"/Reports?handler=File&id={Uri.EscapeDataString(id)}&format={Uri.EscapeDataString(format)}";

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        var catalog = await Catalog.LoadAsync(api, User, cache, cancellationToken);
        Cities = catalog.Regions.OverviewChoices().Where(r => r.Level == "City").ToList();
        SelectedCity = City is null ? (Cities.Count > 0 ? Cities[0] : null) : catalog.Regions.FindInScope(City);
        if (City is not null && SelectedCity is null) return NotFound();

        Notices = await api.NotificationsAsync(cancellationToken);

        var archive = new DataTable("reports", SelectedCity is null ? "督导通报归档" : $"{SelectedCity.Name}督导通报归档（新的在前）",
        [
            new("number", "期号"), new("period", "统计截至"), new("generated", "生成时间"), new("by", "生成人"), new("data", "数据版本"),
            new("docx", "Word"), new("xlsx", "Excel"), new("html", "打印版"), new("id", "编号"),
        ]);
        if (SelectedCity is not null)
        {
            Archive = await api.ReportsAsync(SelectedCity.Code, cancellationToken);
            foreach (var r in Archive)
                archive.Add(r.NumberLabel, new Cell(r.PeriodLabel, r.AsOf), new Cell(Display.Time(r.GeneratedAt), r.GeneratedAt), r.GeneratedBy,
                    Display.Time(r.DataVersion), new Cell("DOCX", Href: FileUrl(r.Id, "docx")), new Cell("XLSX", Href: FileUrl(r.Id, "xlsx")),
                    new Cell("打印版", Href: FileUrl(r.Id, "html")), r.Id);
            if (Archive.Count > 0) Latest = await api.ReportAsync(Archive[0].Id, cancellationToken);
        }
        Tables.Add(archive);

        var compare = new DataTable("compare", "两期通报的差异（评级变化在前）",
        [
            new("region", "地区"), new("indicator", "指标"), new("target", "目标"), new("kind", "变化"), new("before", "原评级"), new("after", "新评级"),
            new("vbefore", "原实际值", true), new("vafter", "新实际值", true), new("delta", "变化量", true),
        ]);
        if (!string.IsNullOrWhiteSpace(A) && !string.IsNullOrWhiteSpace(B))
        {
            Comparison = await api.CompareReportsAsync(A.Trim(), B.Trim(), cancellationToken);
            if (Comparison is null) FormError = "所选通报不存在或不可见。";
            foreach (var d in Comparison?.Changes ?? [])
            {
                var indicator = catalog.Indicators.Values.FirstOrDefault(i => i.Name == d.IndicatorName);
                compare.Add(new Cell(d.RegionName, d.RegionCode), d.IndicatorName, d.TargetId, KindName(d.Kind),
                    new Cell(Display.Status(d.StatusBefore), Display.StatusRank(d.StatusBefore), Css: d.StatusBefore is null ? null : "rating-" + d.StatusBefore),
                    new Cell(Display.Status(d.StatusAfter), Display.StatusRank(d.StatusAfter), Css: d.StatusAfter is null ? null : "rating-" + d.StatusAfter),
                    Cell.Number(d.ActualBefore, Display.Value(d.ActualBefore, indicator)), Cell.Number(d.ActualAfter, Display.Value(d.ActualAfter, indicator)),
                    Cell.Number(d.Delta, Delta(d.Delta, indicator)));
            }
        }
        Tables.Add(compare);
        return null;
    }

    public static string KindName(string kind) => kind switch
    {
        "RatingChanged" => "评级变化",
        "ValueChanged" => "数值变化",
        "Added" => "新增",
        "Removed" => "移除",
        _ => kind,
    };

    private static string Delta(decimal? delta, IndicatorRow? indicator) => delta switch
    {
        null => "—",
        { } d when indicator?.IsRatio == true => (d * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " 个百分点",
        { } d => d.ToString("+#,0.##;-#,0.##;0", Display.Zh),
    };

    public async Task<IActionResult> OnPostGenerateAsync(CancellationToken cancellationToken)
    {
        if (!CanGenerate) return Forbid();
        var load = await OnGetAsync(cancellationToken);
        if (SelectedCity is null) return load;
        if (!DateOnly.TryParseExact(GenerateAsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf))
        {
            FormError = "请填写统计截至日期。";
            return Page();
        }
        var outcome = await api.GenerateReportAsync(SelectedCity.Code, asOf, cancellationToken);
        if (outcome.Report is null)
        {
            FormError = "生成失败：" + outcome.Error;
            return Page();
        }
        return Redirect($"/Reports?city={Uri.EscapeDataString(SelectedCity.Code)}&msg=generated&id={Uri.EscapeDataString(outcome.Report.Id)}");
    }

    public async Task<IActionResult> OnPostReadAsync(CancellationToken cancellationToken)
    {
        var result = await api.MarkNotificationReadAsync(NoticeId ?? "", cancellationToken);
        if (!result.Succeeded && result.Status != StatusCodes.Status404NotFound)
        {
            FormError = "无法标记为已读：" + result.Message;
            return await OnGetAsync(cancellationToken);
        }
        return Redirect(Urls.With(Request) + "#notices");
    }

    /// <summary>
    /// A report file through the api as the signed-in user (the api checks jurisdiction and records the download).
    /// The print view is shown in the browser under a CSP of its own: its inline stylesheet may apply, nothing in
    /// it may run (sandbox, no script source).
    /// </summary>
    public async Task<IActionResult> OnGetFileAsync(string? format, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Id) || format is not ("docx" or "xlsx" or "html")) return NotFound();
        ReportFileDto? file;
        try
        {
            file = await api.ReportFileAsync(Id, format, cancellationToken);
        }
        catch (ApiException e) when (e.Status is System.Net.HttpStatusCode.Forbidden)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (file is null) return NotFound();
        if (format == "html")
        {
            Response.Headers.ContentSecurityPolicy = SecurityHeaders.ReportViewPolicy;
            Response.Headers.ContentDisposition = "inline";
            return File(file.Content, file.ContentType);
        }
        if (file.ContentDisposition is { } disposition) Response.Headers.ContentDisposition = disposition;
        return File(file.Content, file.ContentType);
    }
}
