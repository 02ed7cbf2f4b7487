using Dashboard.Web.Api;
using Dashboard.Web.Common;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Targets;

/// <summary>One target: every sub-region against it, its trajectory over time, and a league table.</summary>
public sealed class ViewModel(ApiClient api, TimeProvider clock) : DashboardPage
{
    [BindProperty(SupportsGet = true)] public string? Id { get; set; }
    [BindProperty(SupportsGet = true, Name = "asOf")] public string? AsOfText { get; set; }

    public DateOnly AsOfDate { get; private set; }
    public TargetRow? Target { get; private set; }
    public IndicatorRow? Indicator { get; private set; }
    public ScorecardRow? Own { get; private set; }
    public string RegionName { get; private set; } = "";
    public string TargetText { get; private set; } = "";

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        AsOfDate = AsOf.Parse(AsOfText, clock);
        var asOf = AsOf.Text(AsOfDate);
        var catalog = await Catalog.LoadAsync(api, User, cancellationToken);
        Target = Id is null ? null : catalog.Target(Id);
        if (Target is null) return NotFound();
        Indicator = catalog.Indicator(Target.IndicatorCode);
        RegionName = catalog.Regions.Name(Target.RegionCode);
        TargetText = catalog.TargetText(Target, Target.Value);
        var rows = await api.ScorecardAsync(AsOfDate, ODataQuery.Eq("TargetId", Target.Id), cancellationToken);
        Own = rows.FirstOrDefault(r => r.RegionCode == Target.RegionCode);
        var tree = catalog.Regions;

        // Sub-regions: the direct children of the target's region (or, for a district officer, the part they see).
        var children = tree.Children(Target.RegionCode).Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        var subs = rows.Where(r => children.Contains(r.RegionCode)).OrderBy(r => r.RegionCode, StringComparer.Ordinal).ToList();
        if (subs.Count == 0) subs = rows.Where(r => r.RegionCode != Target.RegionCode).OrderBy(r => r.RegionCode, StringComparer.Ordinal).ToList();
        var colors = subs.Select(r => r.Status switch
        {
            "Green" or "Met" => "#1a7f37", "AmberGreen" => "#7a8f00", "AmberRed" => "#c2570c", "Red" or "Missed" => "#b42318", _ => "#9aa5b1",
        }).ToList();
        var below = subs.Count(r => r.Lagging);
        Charts.Add(new ChartSpec("subregions", $"各下级地区{Indicator?.Name}对比（截至 {asOf}）",
            $"{subs.Count} 个下级地区中 {below} 个滞后；柱为实际值（颜色表示评级，评级文字见下表），虚线为目标值，实线为当前预期进度。",
            subs.Select(r => r.RegionName).ToList(),
            [
                new ChartSeries("实际值", subs.Select(r => Display.ChartValue(r.Actual, Indicator)).ToList(), "bar", "#0b4f8a"),
                new ChartSeries("预期进度", subs.Select(r => Display.ChartValue(r.Expected, Indicator)).ToList(), "line", "#52606d"),
                new ChartSeries("目标值", subs.Select(r => Display.ChartValue(r.TargetValue, Indicator)).ToList(), "line", "#b42318", Dashed: true),
            ], Indicator?.IsRatio == true ? "%" : Indicator?.Unit ?? "", BarColors: colors));

        var league = new DataTable("league", "排行榜（由重到轻）",
        [
            new("rank", "名次", true), new("region", "地区"), new("status", "评级"), new("actual", "实际值", true), new("expected", "预期进度", true),
            new("gap", "相对差距", true), new("forecast", "预测值", true), new("marks", "标记"),
        ]);
        var ranked = rows.Where(r => r.RegionCode != Target.RegionCode)
            .OrderBy(r => Display.StatusRank(r.Status)).ThenByDescending(r => r.RelativeShortfall ?? decimal.MinValue).ThenBy(r => r.RegionCode, StringComparer.Ordinal).ToList();
        for (var i = 0; i < ranked.Count; i++)
        {
            var r = ranked[i];
            league.Add(Cell.Number(i + 1, (i + 1).ToString(Display.Zh)),
                new Cell(r.RegionName, Href: $"/Regions/View?code={Uri.EscapeDataString(r.RegionCode)}&asOf={asOf}"),
                new Cell(Display.Status(r.Status), Display.StatusRank(r.Status)), Cell.Number(r.Actual, Display.Value(r.Actual, Indicator)),
                Cell.Number(r.Expected, Display.Value(r.Expected, Indicator)), Cell.Number(r.RelativeShortfall, Display.Percent(r.RelativeShortfall)),
                Cell.Number(r.Forecast, Display.Value(r.Forecast, Indicator)), Display.Marks(r));
        }
        Tables.Add(league);
        var subTable = new DataTable("subregions", "下级地区对比（图表数据）",
            [new("region", "地区"), new("status", "评级"), new("actual", "实际值", true), new("expected", "预期进度", true), new("target", "目标值", true)]);
        foreach (var r in subs)
            subTable.Add(r.RegionName, new Cell(Display.Status(r.Status), Display.StatusRank(r.Status)), Cell.Number(r.Actual, Display.Value(r.Actual, Indicator)),
                Cell.Number(r.Expected, Display.Value(r.Expected, Indicator)), Cell.Number(r.TargetValue, Display.Value(r.TargetValue, Indicator)));
        Tables.Add(subTable);

        // Trajectory of the target's region over time, with the expected path (methodology §5), the target and the forecast at the deadline.
        if (tree.InScope(Target.RegionCode))
        {
            var rollUps = await api.RollUpAsync(tree.Subtree(Target.RegionCode).Where(c => tree.Find(c)?.Level != "School").ToList(), [Target.IndicatorCode], cancellationToken);
            var series = (rollUps.TryGetValue(Target.IndicatorCode, out var all) ? all : []).Where(p => p.Period <= AsOfDate).ToList();
            var points = series.Select(p => (Date: p.Period, Actual: Regions.ViewModel.RegionValue(p, Indicator))).ToList();
            var labels = points.Select(p => p.Date).Append(Target.Deadline).Distinct().Order().ToList();
            var baseline = Own?.Baseline;
            decimal? Expected(DateOnly d)
            {
                if (Target.Kind is "Maintain" or "Ceiling" || baseline is null) return Target.Value;
                if (Target.Kind == "Cumulative" || d < Target.StartDate) return null;
                var share = (decimal)(d.DayNumber - Target.StartDate.DayNumber) / (Target.Deadline.DayNumber - Target.StartDate.DayNumber);
                return baseline + (Target.Value - baseline) * Math.Min(1, share);
            }
            var actualByDate = points.ToDictionary(p => p.Date, p => p.Actual);
            var trajectory = new DataTable("trajectory", "完成轨迹（图表数据）",
                [new("period", "日期"), new("actual", "实际值", true), new("expected", "预期进度", true), new("target", "目标值", true), new("forecast", "预测值", true)]);
            foreach (var d in labels)
            {
                var a = actualByDate.GetValueOrDefault(d);
                var e = Expected(d);
                var f = d == Target.Deadline ? Own?.Forecast : null;
                trajectory.Add(new Cell(Display.Date(d), d.DayNumber), Cell.Number(a, Display.Value(a, Indicator)), Cell.Number(e, Display.Value(e, Indicator)),
                    Cell.Number(Target.Value, Display.Value(Target.Value, Indicator)), Cell.Number(f, f is null ? "" : Display.Value(f, Indicator)));
            }
            Tables.Add(trajectory);
            Charts.Add(new ChartSpec("trajectory", $"{RegionName}完成轨迹",
                $"实际值共 {points.Count} 期；截止日期 {Display.Date(Target.Deadline)} 的预测值为 {Display.Value(Own?.Forecast, Indicator)}，目标 {TargetText}。",
                labels.Select(d => Display.Date(d)).ToList(),
                [
                    new ChartSeries("实际值", labels.Select(d => Display.ChartValue(actualByDate.GetValueOrDefault(d), Indicator)).ToList(), "line", "#0b4f8a"),
                    new ChartSeries("预期进度", labels.Select(d => Display.ChartValue(Expected(d), Indicator)).ToList(), "line", "#52606d"),
                    new ChartSeries("目标值", labels.Select(_ => Display.ChartValue(Target.Value, Indicator)).ToList(), "line", "#b42318", Dashed: true),
                    new ChartSeries("预测值", labels.Select(d => d == Target.Deadline ? Display.ChartValue(Own?.Forecast, Indicator) : null).ToList(), "line", "#7c3aed", Dashed: true),
                ], Indicator?.IsRatio == true ? "%" : Indicator?.Unit ?? ""));
        }
        return null;
    }
}
