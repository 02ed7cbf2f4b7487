using System.Globalization;
using Dashboard.Security.Audit;
using Dashboard.Security.Cases;
using Dashboard.Web.Api;
using Dashboard.Web.Common;
using Dashboard.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Regions;

/// <summary>
/// The inspectors' drill-down: every target that applies to the region (own and inherited), trends, sub-regions,
/// lineage links for every number, rating overrides and supervision cases.
/// </summary>
public sealed class ViewModel(ApiClient api, Microsoft.Extensions.Caching.Memory.IMemoryCache cache, CaseStore cases, TimeProvider clock) : DashboardPage
{
    [BindProperty(SupportsGet = true)] public string? Code { get; set; }
    [BindProperty(SupportsGet = true, Name = "asOf")] public string? AsOfText { get; set; }
    [BindProperty(SupportsGet = true)] public string? Msg { get; set; }

    // Override form
    [BindProperty] public string? OverrideTarget { get; set; }
    [BindProperty] public string? OverrideStatus { get; set; }
    [BindProperty] public string? OverrideReason { get; set; }

    // Case forms
    [BindProperty] public string? CaseTarget { get; set; }
    [BindProperty] public string? CaseOwner { get; set; }
    [BindProperty] public string? CaseTitle { get; set; }
    [BindProperty] public string? CaseDue { get; set; }
    [BindProperty] public string? CaseId { get; set; }
    [BindProperty] public string? CaseTo { get; set; }
    [BindProperty] public string? CaseNote { get; set; }

    /// <summary>
    /// How long a region's trend series are reused by users with the same jurisdiction: as long as the catalog and the
    /// api's scorecard snapshot (60 s), so the charts are never older than the numbers beside them by more than that.
    /// </summary>
    public static readonly TimeSpan TrendsFor = TimeSpan.FromSeconds(60);

    public DateOnly AsOfDate { get; private set; }
    public RegionRow? Region { get; private set; }
    public IReadOnlyList<RegionRow> Ancestors { get; private set; } = [];
    public IReadOnlyList<ScorecardRow> Rows { get; private set; } = [];
    public Catalog? Catalog { get; private set; }
    public IReadOnlyList<SupervisionCase> Cases { get; private set; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<CaseHistoryEntry>> CaseHistories { get; private set; } = new Dictionary<string, IReadOnlyList<CaseHistoryEntry>>();
    public IReadOnlyList<StoredOverrideDto> Overrides { get; private set; } = [];
    public string? FormError { get; private set; }
    public bool CanInspect => Policies.Allows(User, Policies.Inspect);

    public string? Message => Msg switch
    {
        "override" => "已保存人工评定，原计算评级仍同时显示。",
        "case" => "已立案督导事项。",
        "moved" => "督导事项状态已更新。",
        _ => null,
    };

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        AsOfDate = AsOf.Parse(AsOfText, clock);
        var asOf = AsOf.Text(AsOfDate);
        Catalog = await Catalog.LoadAsync(api, User, cache, cancellationToken);
        var tree = Catalog.Regions;
        // Outside the user's jurisdiction the api does not list the region: answer as if it did not exist.
        Region = tree.FindInScope(Code);
        if (Region is null) return NotFound();
        Ancestors = tree.Ancestors(Region.Code);
        var children = tree.Children(Region.Code);

        // The region's own rows and its first 80 sub-regions' in one request (schools, usually the rest, have none).
        var cards = api.ScorecardAsync(AsOfDate, ODataQuery.In("RegionCode", children.Select(c => c.Code).Take(80).Prepend(Region.Code)), cancellationToken);
        var overrides = api.OverridesAsync(Region.Code, cancellationToken);
        var cardRows = await cards;
        Rows = cardRows.Where(r => r.RegionCode == Region.Code).OrderBy(r => Display.StatusRank(r.Status)).ThenBy(r => r.TargetId, StringComparer.Ordinal).ToList();
        // Trends: one chart per indicator with a target here (at most four, the most urgent first), all read in one
        // request beside the overrides. Schools are summed into their town in RegionPeriodSums: the
        // judged regions of the subtree are enough.
        var subtree = tree.Subtree(Region.Code).Where(c => tree.Find(c)?.Level != "School").ToList();
        var groups = Rows.Where(r => r.LatestPeriod is not null || r.Actual is not null).GroupBy(r => r.IndicatorCode).Take(4).ToList();
        var indicators = groups.Select(g => g.Key).ToList();
        // Sums of observations: only a pull or an upload changes them, so they are shared for a minute (see TrendsFor).
        var rollUpsTask = JurisdictionCache.GetAsync(cache, User, $"trends|{Region.Code}|{string.Join(',', indicators)}", TrendsFor,
            () => api.RollUpAsync(subtree, indicators, cancellationToken));
        await Task.WhenAll(overrides, rollUpsTask);
        Overrides = await overrides;

        var targets = new DataTable("targets", $"{Region.Name}适用的全部目标（截至 {asOf}）",
        [
            new("indicator", "指标"), new("target", "目标"), new("source", "目标来源"), new("status", "评级"), new("actual", "实际值", true),
            new("expected", "预期进度", true), new("forecast", "预测值", true), new("period", "数据期"), new("loaded", "入库时间"), new("marks", "标记"), new("lineage", "溯源"),
        ]);
        foreach (var r in Rows)
        {
            var indicator = Catalog.Indicator(r.IndicatorCode);
            targets.Add(new Cell(Catalog.IndicatorName(r.IndicatorCode), Href: $"/Targets/View?id={Uri.EscapeDataString(r.TargetId)}&asOf={asOf}"),
                Catalog.TargetText(Catalog.Target(r.TargetId), r.TargetValue),
                r.Inherited ? $"沿用{tree.Name(r.TargetRegionCode)}目标" : "本级目标",
                new Cell(Display.Status(r.Status), Display.StatusRank(r.Status), Css: "rating-" + r.Status),
                Cell.Number(r.Actual, Display.Value(r.Actual, indicator)), Cell.Number(r.Expected, Display.Value(r.Expected, indicator)),
                Cell.Number(r.Forecast, Display.Value(r.Forecast, indicator)), Display.Date(r.ActualPeriod), Display.Time(r.LoadedAt),
                Display.Marks(r), new Cell("查看来源", Href: Lineage.Url(r.RegionCode, r.IndicatorCode, r.ActualPeriod ?? r.LatestPeriod, AsOfDate)));
        }
        Tables.Add(targets);

        var sub = new DataTable("subregions", "下级地区",
        [
            new("region", "地区"), new("level", "层级"), new("lagging", "滞后目标数", true), new("worst", "最差评级"), new("latest", "最新数据期"), new("stale", "数据陈旧目标数", true),
        ]);
        var byRegion = cardRows.Where(r => r.RegionCode != Region.Code).ToLookup(r => r.RegionCode, StringComparer.Ordinal);
        foreach (var c in children)
        {
            var rows = byRegion[c.Code].ToList();
            var worst = rows.OrderBy(r => Display.StatusRank(r.Status)).Select(r => r.Status).FirstOrDefault();
            sub.Add(new Cell(c.Name, Href: $"/Regions/View?code={Uri.EscapeDataString(c.Code)}&asOf={asOf}"), Display.Level(c.Level),
                Cell.Number(rows.Count(r => r.Lagging), rows.Count(r => r.Lagging).ToString(Display.Zh)),
                new Cell(Display.Status(worst), Display.StatusRank(worst)), Display.Date(rows.Max(r => r.LatestPeriod)),
                Cell.Number(rows.Count(r => r.Stale), rows.Count(r => r.Stale).ToString(Display.Zh)));
        }
        Tables.Add(sub);

        var rollUps = await rollUpsTask;
        foreach (var group in groups)
        {
            var indicator = Catalog.Indicator(group.Key);
            var series = (rollUps.TryGetValue(group.Key, out var all) ? all : []).Where(p => p.Period <= AsOfDate).ToList();
            var values = series.Select(p => (p.Period, Value: RegionValue(p, indicator))).ToList();
            // An indicator without any data here gets no empty chart; the targets table already says "无数据".
            if (values.Count == 0) continue;
            var id = "trend-" + group.Key.ToLowerInvariant().Replace('_', '-');
            var targetRow = group.First();
            var table = new DataTable(id, $"{Catalog.IndicatorName(group.Key)} 历年数据", [new("period", "数据期"), new("value", "数值", true), new("target", "目标值", true)]);
            foreach (var (period, value) in values)
                table.Add(new Cell(Display.Date(period), period.DayNumber), Cell.Number(value, Display.Value(value, indicator)),
                    Cell.Number(targetRow.TargetValue, Display.Value(targetRow.TargetValue, indicator)));
            Tables.Add(table);
            var last = values.Count > 0 ? values[^1] : default;
            Charts.Add(new ChartSpec(id, $"{Catalog.IndicatorName(group.Key)}走势",
                values.Count == 0 ? "暂无数据。" : $"共 {values.Count} 个数据期，最近一期（{Display.Date(last.Period)}）为 {Display.Value(last.Value, indicator)}，目标 {Display.Value(targetRow.TargetValue, indicator)}。",
                values.Select(v => Display.Date(v.Period)).ToList(),
                [
                    new ChartSeries("实际值", values.Select(v => Display.ChartValue(v.Value, indicator)).ToList(), "line", "#0b4f8a"),
                    new ChartSeries("目标值", values.Select(_ => Display.ChartValue(targetRow.TargetValue, indicator)).ToList(), "line", "#b42318", Dashed: true),
                ], indicator?.IsRatio == true ? "%" : indicator?.Unit ?? ""));
        }

        // Cases of this region and below (schools included: a case is often opened on one school), from the
        // operational store, limited to what the api lets this user see.
        var scope = tree.Subtree(Region.Code).ToHashSet(StringComparer.Ordinal);
        Cases = await cases.ListAsync(scope, null, cancellationToken);
        // Each case's path through open → rectifying → re-inspected → closed, with who moved it, when and why.
        var histories = new Dictionary<string, IReadOnlyList<CaseHistoryEntry>>(StringComparer.Ordinal);
        foreach (var c in Cases) histories[c.Id] = await cases.GetHistoryAsync(c.Id, cancellationToken);
        CaseHistories = histories;
        return null;
    }

    /// <summary>A region's value for a period (methodology §2), from the roll-up's sums.</summary>
    public static decimal? RegionValue(PeriodAggregate p, IndicatorRow? indicator)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (indicator?.IsRatio == true) return p.Denominator is { } d && d != 0 && p.Numerator is { } n ? n / d : null;
        return indicator?.Kind == "Max" ? p.MaxValue : p.SumValue;
    }

    public async Task<IActionResult> OnPostOverrideAsync(CancellationToken cancellationToken)
    {
        if (!CanInspect) return Forbid();
        var load = await OnGetAsync(cancellationToken);
        if (Region is null) return load;
        if (string.IsNullOrWhiteSpace(OverrideReason) || string.IsNullOrWhiteSpace(OverrideTarget) || string.IsNullOrWhiteSpace(OverrideStatus))
        {
            FormError = "人工评定须选择目标、评级并填写理由。";
            return Page();
        }
        if (!Rows.Any(r => r.TargetId == OverrideTarget))
        {
            FormError = "所选目标不适用于该地区。";
            return Page();
        }
        var result = await api.AddOverrideAsync(Region.Code, OverrideTarget, OverrideStatus, OverrideReason.Trim(), AsOfDate, cancellationToken);
        if (!result.Succeeded)
        {
            FormError = "保存失败：" + result.Message;
            return Page();
        }
        return Redirect(Urls.With(Request, ("msg", "override")) + "#overrides");
    }

    public async Task<IActionResult> OnPostCaseAsync(CancellationToken cancellationToken)
    {
        if (!CanInspect) return Forbid();
        var load = await OnGetAsync(cancellationToken);
        if (Region is null) return load;
        if (!DateOnly.TryParseExact(CaseDue, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due))
        {
            FormError = "请填写整改期限（日期）。";
            return Page();
        }
        try
        {
            await cases.CreateAsync(new NewCase(Region.Code, CaseTarget ?? "", CaseOwner ?? "", CaseTitle ?? "", due),
                new Actor(User.Identity?.Name ?? "-", ClientAddress.Of(HttpContext)), cancellationToken);
        }
        catch (CaseException e)
        {
            FormError = e.Message;
            return Page();
        }
        return Redirect(Urls.With(Request, ("msg", "case")) + "#cases");
    }

    public async Task<IActionResult> OnPostMoveCaseAsync(CancellationToken cancellationToken)
    {
        if (!CanInspect) return Forbid();
        var load = await OnGetAsync(cancellationToken);
        if (Region is null) return load;
        // Only a case this page listed (so within the user's jurisdiction) may be moved.
        if (Cases.FirstOrDefault(c => c.Id == CaseId) is not { } found || !Enum.TryParse<CaseStatus>(CaseTo, out var to) || !Enum.IsDefined(to))
        {
            FormError = "督导事项或目标状态无效。";
            return Page();
        }
        try
        {
            await cases.MoveAsync(found.Id, to, CaseNote ?? "", new Actor(User.Identity?.Name ?? "-", ClientAddress.Of(HttpContext)), cancellationToken);
        }
        catch (CaseException e)
        {
            FormError = e.Message;
            return Page();
        }
        return Redirect(Urls.With(Request, ("msg", "moved")) + "#cases");
    }
}
