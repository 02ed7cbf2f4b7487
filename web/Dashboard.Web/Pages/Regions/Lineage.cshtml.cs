using Dashboard.Web.Api;
using Dashboard.Web.Common;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Regions;

/// <summary>
/// Where a number comes from: the current observations of the region's subtree for one indicator and period,
/// each with its source, pull run, revision and load time, and their sum as the scorecard computes it.
/// </summary>
public sealed class LineageModel(ApiClient api, Microsoft.Extensions.Caching.Memory.IMemoryCache cache, TimeProvider clock) : DashboardPage
{
    [BindProperty(SupportsGet = true)] public string? Code { get; set; }
    [BindProperty(SupportsGet = true)] public string? Indicator { get; set; }
    [BindProperty(SupportsGet = true, Name = "period")] public string? PeriodText { get; set; }
    [BindProperty(SupportsGet = true, Name = "asOf")] public string? AsOfText { get; set; }

    public DateOnly AsOfDate { get; private set; }
    public DateOnly? Period { get; private set; }
    public RegionRow? Region { get; private set; }
    public IndicatorRow? IndicatorRow { get; private set; }
    public IReadOnlyList<RegionRow> Ancestors { get; private set; } = [];
    public string Total { get; private set; } = "—";
    public string TotalFormula { get; private set; } = "";

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        AsOfDate = AsOf.Parse(AsOfText, clock);
        if (DateOnly.TryParseExact(PeriodText, "yyyy-MM-dd", out var p)) Period = p;
        var catalog = await Catalog.LoadAsync(api, User, cache, cancellationToken);
        Region = catalog.Regions.FindInScope(Code);
        IndicatorRow = Indicator is null ? null : catalog.Indicator(Indicator);
        if (Region is null || IndicatorRow is null) return NotFound();
        Ancestors = catalog.Regions.Ancestors(Region.Code);
        var names = catalog.Regions;

        var rows = new List<ObservationRow>();
        foreach (var chunk in names.Subtree(Region.Code).Chunk(60))
        {
            var filter = ODataQuery.And(ODataQuery.Eq("IndicatorCode", IndicatorRow.Code), ODataQuery.In("RegionCode", chunk),
                Period is { } d ? $"Period eq {ODataQuery.Literal(d)}" : $"Period le {ODataQuery.Literal(AsOfDate)}");
            rows.AddRange(await api.ListAsync<ObservationRow>("Observations", new ODataQuery { Filter = filter, OrderBy = "Period desc,RegionCode", Top = 2000 }, cancellationToken));
        }

        var table = new DataTable("lineage", $"{Region.Name} · {IndicatorRow.Name} 的数据来源" + (Period is { } pp ? $"（数据期 {Display.Date(pp)}）" : ""),
        [
            new("region", "地区"), new("period", "数据期"), new("numerator", "分子", true), new("denominator", "分母", true), new("value", "数值", true),
            new("revision", "修订号", true), new("source", "数据源"), new("run", "拉取批次"), new("updated", "源系统更新时间"), new("loaded", "入库时间"),
        ]);
        foreach (var o in rows.OrderByDescending(o => o.Period).ThenBy(o => o.RegionCode, StringComparer.Ordinal))
        {
            table.Add(new Cell(names.Name(o.RegionCode), o.RegionCode), new Cell(Display.Date(o.Period), o.Period.DayNumber),
                Cell.Number(o.Numerator, o.Numerator?.ToString("#,0.##", Display.Zh) ?? "—"),
                Cell.Number(o.Denominator, o.Denominator?.ToString("#,0.##", Display.Zh) ?? "—"),
                Cell.Number(o.Value, o.Value?.ToString("#,0.####", Display.Zh) ?? "—"),
                Cell.Number(o.Revision, o.Revision.ToString(Display.Zh)), o.SourceId,
                new Cell(o.RunId, Href: "/Runs/View?id=" + Uri.EscapeDataString(o.RunId)),
                Display.Time(o.UpdatedAt), Display.Time(o.LoadedAt));
        }
        Tables.Add(table);
        await LoadRevisionsAsync(names, rows, cancellationToken);

        if (Period is not null && rows.Count > 0)
        {
            // The same roll-up as the scorecard engine (methodology §2): ratio of sums, sums, or the maximum.
            if (IndicatorRow.IsRatio)
            {
                var num = rows.Sum(o => o.Numerator ?? 0);
                var den = rows.Sum(o => o.Denominator ?? 0);
                Total = den == 0 ? "—" : Display.Value(num / den, IndicatorRow);
                TotalFormula = $"Σ分子 {num:#,0.##} ÷ Σ分母 {den:#,0.##}";
            }
            else if (IndicatorRow.Kind == "Max")
            {
                Total = Display.Value(rows.Max(o => o.Value), IndicatorRow);
                TotalFormula = "各下级地区数值的最大值";
            }
            else
            {
                Total = Display.Value(rows.Sum(o => o.Value ?? 0), IndicatorRow);
                TotalFormula = "各下级地区数值之和";
            }
        }
        return null;
    }

    /// <summary>
    /// Every load of the same numbers (observations_raw through the api's ObservationRevisions), newest first per
    /// region and period, so a restated figure shows what it was, when it changed and which run changed it.
    /// The row the current observation came from is marked; a re-load of the same revision is listed too.
    /// </summary>
    private async Task LoadRevisionsAsync(RegionTree names, IReadOnlyList<ObservationRow> current, CancellationToken cancellationToken)
    {
        var revisions = new List<ObservationRevisionRow>();
        foreach (var chunk in names.Subtree(Region!.Code).Chunk(60))
        {
            var filter = ODataQuery.And(ODataQuery.Eq("IndicatorCode", IndicatorRow!.Code), ODataQuery.In("RegionCode", chunk),
                Period is { } d ? $"Period eq {ODataQuery.Literal(d)}" : $"Period le {ODataQuery.Literal(AsOfDate)}");
            revisions.AddRange(await api.ListAsync<ObservationRevisionRow>("ObservationRevisions",
                new ODataQuery { Filter = filter, OrderBy = "Period desc,RegionCode,LoadedAt desc,Revision desc", Top = 5000 }, cancellationToken));
        }
        var currentKeys = current.Select(o => (o.RegionCode, o.Period, o.Revision, o.RunId)).ToHashSet();
        var table = new DataTable("revisions", "修订历史（每次入库的数值，含已被更正的旧版本）",
        [
            new("region", "地区"), new("period", "数据期"), new("revision", "修订号", true), new("current", "当前版本"), new("numerator", "分子", true),
            new("denominator", "分母", true), new("value", "数值", true), new("source", "数据源"), new("run", "拉取批次"), new("updated", "源系统更新时间"), new("loaded", "入库时间"),
        ]);
        foreach (var r in revisions.OrderByDescending(r => r.Period).ThenBy(r => r.RegionCode, StringComparer.Ordinal)
                     .ThenByDescending(r => r.Revision).ThenByDescending(r => r.LoadedAt))
        {
            var isCurrent = currentKeys.Contains((r.RegionCode, r.Period, r.Revision, r.RunId));
            table.Add(new Cell(names.Name(r.RegionCode), r.RegionCode), new Cell(Display.Date(r.Period), r.Period.DayNumber),
                Cell.Number(r.Revision, r.Revision.ToString(Display.Zh)),
                new Cell(isCurrent ? "✔ 当前" : "已被更正", isCurrent ? 0 : 1, Css: isCurrent ? "current-revision" : "old-revision"),
                Cell.Number(r.Numerator, r.Numerator?.ToString("#,0.##", Display.Zh) ?? "—"),
                Cell.Number(r.Denominator, r.Denominator?.ToString("#,0.##", Display.Zh) ?? "—"),
                Cell.Number(r.Value, r.Value?.ToString("#,0.####", Display.Zh) ?? "—"), r.SourceId,
                new Cell(r.RunId, Href: "/Runs/View?id=" + Uri.EscapeDataString(r.RunId)),
                new Cell(Display.Time(r.UpdatedAt), r.UpdatedAt), new Cell(Display.Time(r.LoadedAt), r.LoadedAt));
        }
        Tables.Add(table);
    }
}
