using Dashboard.Web.Api;
using Dashboard.Web.Common;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Data;

/// <summary>District officers' and administrators' data desk: sources, runs, failures, run now, rejections and uploads.</summary>
public sealed class IndexModel(ApiClient api, Microsoft.Extensions.Caching.Memory.IMemoryCache cache) : DashboardPage
{
    [BindProperty(SupportsGet = true)] public string? Msg { get; set; }
    [BindProperty] public string? SourceId { get; set; }
    [BindProperty] public IFormFile? Upload { get; set; }

    public IReadOnlyList<SourceStatusDto> Sources { get; private set; } = [];
    public UploadOutcome? UploadOutcome { get; private set; }
    public string? FormError { get; private set; }

    public string? Message => Msg switch
    {
        "run" => "已提交“立即运行”请求，调度服务将很快执行；结果见下方运行记录。",
        _ => null,
    };

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        Sources = await api.SourcesAsync(cancellationToken);
        var sources = new DataTable("sources", "数据源",
        [
            new("id", "数据源"), new("region", "地区"), new("kind", "方式"), new("cron", "调度（Cron）"), new("next", "下次运行"), new("enabled", "启用"),
            new("watermark", "已同步至"), new("last", "最近运行"), new("status", "最近结果"), new("loaded", "入库行数", true), new("rejected", "拒绝行数", true),
        ]);
        foreach (var s in Sources)
        {
            var r = s.LatestRun;
            sources.Add(s.Source.Id, s.Source.RegionCode, s.Source.Kind == "Http" ? "接口拉取" : "文件", s.Source.Cron,
                s.NextRunAt is { } next ? new Cell(Display.Time(next), next) : new Cell(s.Source.Enabled ? "—" : "已停用"), s.Source.Enabled ? "是" : "否",
                Display.Time(s.Watermark), r is null ? "从未运行" : new Cell(Display.Time(r.StartedAt), r.StartedAt, Href: "/Runs/View?id=" + Uri.EscapeDataString(r.Id)),
                Display.RunStatus(r?.Status), Cell.Number(r?.RowsLoaded, r?.RowsLoaded.ToString("#,0", Display.Zh) ?? "—"),
                Cell.Number(r?.RowsRejected, r?.RowsRejected.ToString("#,0", Display.Zh) ?? "—"));
        }
        Tables.Add(sources);

        var runs = new DataTable("runs", "近期运行记录（含失败）",
        [
            new("source", "数据源"), new("started", "开始"), new("trigger", "触发"), new("status", "结果"), new("loaded", "入库", true), new("rejected", "拒绝", true), new("error", "错误"),
        ]);
        var rejections = await api.ListAsync<RejectionRow>("Rejections", new ODataQuery { OrderBy = "RejectedAt desc", Top = 200 }, cancellationToken);
        var runLists = await Task.WhenAll(Sources.Select(s => api.SourceRunsAsync(s.Source.Id, 10, cancellationToken)));
        foreach (var r in runLists.SelectMany(x => x).OrderByDescending(r => r.StartedAt))
        {
            runs.Add(r.SourceId, new Cell(Display.Time(r.StartedAt), r.StartedAt, Href: "/Runs/View?id=" + Uri.EscapeDataString(r.Id)), Display.Trigger(r.Trigger),
                Display.RunStatus(r.Status), Cell.Number(r.RowsLoaded, r.RowsLoaded.ToString("#,0", Display.Zh)),
                Cell.Number(r.RowsRejected, r.RowsRejected.ToString("#,0", Display.Zh)), r.Error);
        }
        Tables.Add(runs);

        var rej = new DataTable("rejections", "被拒绝的数据行（最近 200 行）",
        [
            new("at", "时间"), new("source", "数据源"), new("region", "地区"), new("row", "行号", true), new("field", "字段"), new("reason", "原因"), new("raw", "原始内容"), new("run", "批次"),
        ]);
        foreach (var r in rejections)
            rej.Add(new Cell(Display.Time(r.RejectedAt), r.RejectedAt), r.SourceId, r.RegionCode, Cell.Number(r.RowNumber, r.RowNumber.ToString(Display.Zh)),
                r.Field, r.Reason, r.Row, new Cell(r.RunId, Href: "/Runs/View?id=" + Uri.EscapeDataString(r.RunId)));
        Tables.Add(rej);
        return null;
    }

    public async Task<IActionResult> OnPostRunAsync(CancellationToken cancellationToken)
    {
        var result = await api.RunNowAsync(SourceId ?? "", cancellationToken);
        if (result.Succeeded) return Redirect("/Data?msg=run");
        FormError = "无法立即运行：" + result.Message;
        return await OnGetAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostUploadAsync(CancellationToken cancellationToken)
    {
        if (Upload is null || Upload.Length == 0 || string.IsNullOrEmpty(SourceId))
        {
            FormError = "请选择数据源和要上传的 CSV 或 XLSX 文件。";
            return await OnGetAsync(cancellationToken);
        }
        await using (var stream = Upload.OpenReadStream())
            UploadOutcome = await api.UploadAsync(SourceId, stream, Path.GetFileName(Upload.FileName), cancellationToken);
        // Rows loaded: trend series this web keeps for a minute would lag the upload; drop them.
        if (UploadOutcome.Result is { Run.RowsLoaded: > 0 }) JurisdictionCache.Clear(cache);
        return await OnGetAsync(cancellationToken);
    }

    /// <summary>The upload template, passed through from the api.</summary>
    public async Task<IActionResult> OnGetTemplateAsync(CancellationToken cancellationToken) =>
        File(await api.TemplateAsync(cancellationToken), "text/csv; charset=utf-8", "observations-template.csv");
}
