using Dashboard.Web.Api;
using Dashboard.Web.Common;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Overview;

/// <summary>One tile per target of the chosen region.</summary>
public sealed record TargetTile(ScorecardRow Row, string IndicatorName, string TargetText, string Actual, string Expected, string Forecast,
    string Document, string LineageUrl, string TargetUrl);

/// <summary>Data freshness of one district.</summary>
public sealed record Freshness(string RegionCode, string RegionName, DateOnly? LatestPeriod, DateTimeOffset? LoadedAt, int StaleTargets, int Targets);

/// <summary>The leaders' overview: a city (or the user's own district) as of a date.</summary>
public sealed class IndexModel(ApiClient api, Microsoft.Extensions.Caching.Memory.IMemoryCache cache, TimeProvider clock) : DashboardPage
{
    [BindProperty(SupportsGet = true)] public string? City { get; set; }
    [BindProperty(SupportsGet = true, Name = "asOf")] public string? AsOfText { get; set; }

    public DateOnly AsOfDate { get; private set; }
    public IReadOnlyList<RegionRow> Choices { get; private set; } = [];
    public RegionRow? Region { get; private set; }
    public List<TargetTile> Tiles { get; } = [];
    public List<Freshness> Fresh { get; } = [];
    public int LaggingCount { get; private set; }

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        AsOfDate = AsOf.Parse(AsOfText, clock);
        var catalog = await Catalog.LoadAsync(api, User, cache, cancellationToken);
        var tree = catalog.Regions;
        Choices = tree.OverviewChoices();
        if (string.IsNullOrEmpty(City)) City = Choices.Count > 0 ? Choices[0].Code : null;
        // A region the api does not show this user is answered like one that does not exist.
        Region = tree.FindInScope(City);
        if (Region is null) return City is null ? null : NotFound();
        var asOf = AsOf.Text(AsOfDate);

        var rows = await ScorecardForAsync(Region, tree, cancellationToken);

        foreach (var r in rows.Where(r => r.RegionCode == Region.Code).OrderBy(r => Display.StatusRank(r.Status)).ThenBy(r => r.TargetId, StringComparer.Ordinal))
        {
            var indicator = catalog.Indicator(r.IndicatorCode);
            var target = catalog.Target(r.TargetId);
            Tiles.Add(new TargetTile(r, catalog.IndicatorName(r.IndicatorCode), catalog.TargetText(target, r.TargetValue),
                Display.Value(r.Actual, indicator), Display.Value(r.Expected, indicator), Display.Value(r.Forecast, indicator),
                target is null ? "" : target.Document,
                Lineage.Url(r.RegionCode, r.IndicatorCode, r.ActualPeriod ?? r.LatestPeriod, AsOfDate),
                $"/Targets/View?id={Uri.EscapeDataString(r.TargetId)}&asOf={asOf}"));
        }

        var targets = new DataTable("targets", $"{Region.Name}目标完成情况（截至 {asOf}）",
        [
            new("indicator", "指标"), new("target", "目标"), new("status", "评级"), new("actual", "实际值", true), new("expected", "预期进度", true),
            new("forecast", "预测值", true), new("met", "达标"), new("marks", "标记"), new("period", "数据期"),
        ]);
        foreach (var t in Tiles)
        {
            var indicator = catalog.Indicator(t.Row.IndicatorCode);
            targets.Add(new Cell(t.IndicatorName, Href: t.TargetUrl), t.TargetText, new Cell(Display.Status(t.Row.Status), Display.StatusRank(t.Row.Status)),
                Cell.Number(t.Row.Actual, t.Actual), Cell.Number(t.Row.Expected, t.Expected), Cell.Number(t.Row.Forecast, t.Forecast),
                t.Row.Status switch { "Met" => "已达标", "Missed" => "未达标", _ => "未到期" }, Display.Marks(t.Row), Display.Date(t.Row.ActualPeriod));
            _ = indicator;
        }
        Tables.Add(targets);

        // Lagging regions below the chosen one, worst first (methodology §5: Missed, Red, AmberRed, then by relative shortfall).
        var lagging = rows.Where(r => r.RegionCode != Region.Code && r.Lagging)
            .OrderBy(r => Display.StatusRank(r.Status)).ThenByDescending(r => r.RelativeShortfall ?? decimal.MinValue)
            .ThenBy(r => r.RegionCode, StringComparer.Ordinal).ThenBy(r => r.TargetId, StringComparer.Ordinal).ToList();
        LaggingCount = lagging.Count;
        var lag = new DataTable("lagging", "滞后地区（由重到轻）",
        [
            new("rank", "序号", true), new("region", "地区"), new("indicator", "指标"), new("status", "评级"), new("actual", "实际值", true),
            new("expected", "预期进度", true), new("gap", "相对差距", true), new("units", "责任单位"), new("marks", "标记"),
        ]);
        for (var i = 0; i < lagging.Count; i++)
        {
            var r = lagging[i];
            var indicator = catalog.Indicator(r.IndicatorCode);
            lag.Add(Cell.Number(i + 1, (i + 1).ToString(Display.Zh)),
                new Cell(r.RegionName, Href: $"/Regions/View?code={Uri.EscapeDataString(r.RegionCode)}&asOf={asOf}"),
                new Cell(catalog.IndicatorName(r.IndicatorCode), Href: $"/Targets/View?id={Uri.EscapeDataString(r.TargetId)}&asOf={asOf}"),
                new Cell(Display.Status(r.Status), Display.StatusRank(r.Status)),
                Cell.Number(r.Actual, Display.Value(r.Actual, indicator)), Cell.Number(r.Expected, Display.Value(r.Expected, indicator)),
                Cell.Number(r.RelativeShortfall, Display.Percent(r.RelativeShortfall)), catalog.ResponsibleUnits(r.TargetId), Display.Marks(r));
        }
        Tables.Add(lag);

        // Freshness and rating mix per district (the chosen region's children).
        var districts = tree.Children(Region.Code);
        var mix = new DataTable("districts", "各地区评级分布与数据新鲜度",
        [
            new("region", "地区"), new("lagging", "滞后目标数", true), new("red", "红/未达标", true), new("amber", "橙", true),
            new("ok", "绿/黄绿/已达标", true), new("nodata", "无数据", true), new("latest", "最新数据期"), new("loaded", "最近入库"), new("stale", "数据陈旧目标数", true),
        ]);
        var byRegion = rows.ToLookup(r => r.RegionCode, StringComparer.Ordinal);
        foreach (var d in districts)
        {
            var own = byRegion[d.Code].ToList();
            var fresh = new Freshness(d.Code, d.Name, own.Max(r => r.LatestPeriod), own.Max(r => r.LoadedAt), own.Count(r => r.Stale), own.Count);
            Fresh.Add(fresh);
            int Count(params string[] statuses) => own.Count(r => statuses.Contains(r.Status));
            mix.Add(new Cell(d.Name, Href: $"/Regions/View?code={Uri.EscapeDataString(d.Code)}&asOf={asOf}"),
                Cell.Number(own.Count(r => r.Lagging), own.Count(r => r.Lagging).ToString(Display.Zh)),
                Cell.Number(Count("Red", "Missed"), Count("Red", "Missed").ToString(Display.Zh)),
                Cell.Number(Count("AmberRed"), Count("AmberRed").ToString(Display.Zh)),
                Cell.Number(Count("Green", "AmberGreen", "Met"), Count("Green", "AmberGreen", "Met").ToString(Display.Zh)),
                Cell.Number(Count("NoData"), Count("NoData").ToString(Display.Zh)),
                Display.Date(fresh.LatestPeriod), Display.Time(fresh.LoadedAt), Cell.Number(fresh.StaleTargets, fresh.StaleTargets.ToString(Display.Zh)));
        }
        Tables.Add(mix);
        if (districts.Count > 0)
        {
            var worst = Fresh.Zip(districts).Select(p => (p.Second.Name, Lag: byRegion[p.Second.Code].Count(r => r.Lagging))).OrderByDescending(p => p.Lag).First();
            Charts.Add(new ChartSpec("districts", "各地区滞后目标数",
                worst.Lag == 0 ? "各地区均无滞后目标。" : $"滞后目标最多的是{worst.Name}（{worst.Lag} 项）。",
                districts.Select(d => d.Name).ToList(),
                [
                    new ChartSeries("红/未达标", districts.Select(d => (decimal?)byRegion[d.Code].Count(r => r.Status is "Red" or "Missed")).ToList(), "bar", "#b42318"),
                    new ChartSeries("橙（明显滞后）", districts.Select(d => (decimal?)byRegion[d.Code].Count(r => r.Status == "AmberRed")).ToList(), "bar", "#c2570c"),
                ], "目标数"));
        }
        return null;
    }

    /// <summary>
    /// What the page shows: every row of the region and its children (tiles, rating mix, freshness) and the lagging
    /// rows of its judged sub-regions (districts, counties, towns; a school is judged on its town's page). A city
    /// with its towns in one request; a larger subtree (a city of a province-scale catalogue has over a hundred)
    /// asks for the near rows and, per 60 sub-regions, only their lagging rows: asking for every lagging row of the
    /// jurisdiction and narrowing here sent thousands of rows to a province leader's every city page.
    /// </summary>
    private async Task<IReadOnlyList<ScorecardRow>> ScorecardForAsync(RegionRow region, RegionTree tree, CancellationToken ct)
    {
        var near = new List<string> { region.Code };
        near.AddRange(tree.Children(region.Code).Select(c => c.Code));
        var judged = tree.Subtree(region.Code).Where(c => tree.Find(c)?.Level != "School").ToList();
        const string lagging = "Status in ('Missed','Red','AmberRed')";
        // Chunks of 60 because each code in an in-list counts against the api's filter-node limit.
        var both = near.Union(judged, StringComparer.Ordinal).ToList();
        List<Task<IReadOnlyList<ScorecardRow>>> queries = both.Count <= 60
            ? [api.ScorecardAsync(AsOfDate, ODataQuery.In("RegionCode", both), ct)]
            : [.. near.Chunk(60).Select(chunk => api.ScorecardAsync(AsOfDate, ODataQuery.In("RegionCode", chunk), ct)),
               .. judged.Except(near, StringComparer.Ordinal).Chunk(60).Select(chunk => api.ScorecardAsync(AsOfDate, $"{ODataQuery.In("RegionCode", chunk)} and {lagging}", ct))];
        await Task.WhenAll(queries);
        var nearSet = near.ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<(string, string)>();
        var rows = new List<ScorecardRow>();
        foreach (var q in queries)
        {
            foreach (var r in await q)
            {
                if ((nearSet.Contains(r.RegionCode) || r.Lagging) && seen.Add((r.RegionCode, r.TargetId))) rows.Add(r);
            }
        }
        return rows;
    }
}
