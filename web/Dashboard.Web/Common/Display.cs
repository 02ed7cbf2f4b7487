using System.Globalization;
using Dashboard.Web.Api;

namespace Dashboard.Web.Common;

/// <summary>How statuses, numbers and dates read on every page (Simplified Chinese).</summary>
public static class Display
{
    public static readonly CultureInfo Zh = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>The rating's Chinese label: always shown beside its colour, never colour alone.</summary>
    public static string Status(string? status) => status switch
    {
        "Green" => "绿 · 进度正常",
        "AmberGreen" => "黄绿 · 略有滞后",
        "AmberRed" => "橙 · 明显滞后",
        "Red" => "红 · 严重滞后",
        "Met" => "已达标",
        "Missed" => "未达标",
        "NoData" => "无数据",
        null or "" => "",
        _ => status,
    };

    /// <summary>A symbol that differs per rating, so the rating reads in greyscale print and for colour-blind readers.</summary>
    public static string StatusSymbol(string? status) => status switch
    {
        "Green" or "Met" => "●",
        "AmberGreen" => "◐",
        "AmberRed" => "◑",
        "Red" or "Missed" => "▲",
        _ => "○",
    };

    public static string StatusCss(string? status) => "status status-" + (status ?? "NoData").ToLowerInvariant();

    /// <summary>Order for ranking lagging regions: Missed, Red, AmberRed, then the rest.</summary>
    public static int StatusRank(string? status) => status switch
    {
        "Missed" => 0, "Red" => 1, "AmberRed" => 2, "AmberGreen" => 3, "Green" => 4, "Met" => 5, _ => 6,
    };

    public static string Comparator(string? comparator) => comparator switch
    {
        "ge" => "≥", "gt" => ">", "le" => "≤", "lt" => "<", _ => comparator ?? "",
    };

    public static string TargetKind(string? kind) => kind switch
    {
        "Level" => "水平值", "ChangeFromBaseline" => "较基期提升", "Cumulative" => "累计", "Ceiling" => "上限", "Maintain" => "保持", _ => kind ?? "",
    };

    public static string Level(string? level) => level switch
    {
        "Province" => "省", "City" => "市", "County" => "县（市、区）", "Town" => "镇（街道）", "School" => "学校", _ => level ?? "",
    };

    public static string RunStatus(string? status) => status switch
    {
        "Running" => "运行中", "Succeeded" => "成功", "PartiallySucceeded" => "部分成功", "Failed" => "失败", "Skipped" => "已跳过", _ => status ?? "",
    };

    public static string Trigger(string? trigger) => trigger switch
    {
        "Schedule" => "定时", "Manual" => "手动", "Upload" => "上传", "DropFolder" => "投递目录", _ => trigger ?? "",
    };

    /// <summary>A value in the indicator's unit: ratios (stored as fractions) as percentages.</summary>
    public static string Value(decimal? value, IndicatorRow? indicator)
    {
        if (value is not { } v) return "—";
        if (indicator?.IsRatio == true) return (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        var unit = indicator?.Unit is { Length: > 0 } u && u != "%" ? " " + u : "";
        return v.ToString(v == decimal.Truncate(v) ? "#,0" : "#,0.##", CultureInfo.InvariantCulture) + unit;
    }

    /// <summary>The number a chart plots (percent points for ratios).</summary>
    public static decimal? ChartValue(decimal? value, IndicatorRow? indicator) =>
        value is { } v ? Math.Round(indicator?.IsRatio == true ? v * 100 : v, 4) : null;

    public static string Date(DateOnly? d) => d is { } x ? x.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";

    /// <summary>A time in China time (UTC+8), as leaders read it.</summary>
    public static string Time(DateTimeOffset? t) => t is { } x ? x.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    public static string Time(DateTime? t) => t is { } x ? Time(new DateTimeOffset(DateTime.SpecifyKind(x, DateTimeKind.Utc))) : "—";

    public static string Percent(decimal? fraction) => fraction is { } f ? (f * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    /// <summary>Today in China time.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime((clock ?? TimeProvider.System).GetUtcNow().UtcDateTime.AddHours(8));

    /// <summary>Will-miss, stale, override and inherited marks as text.</summary>
    public static string Marks(ScorecardRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var marks = new List<string>();
        if (r.WillMiss) marks.Add("预计未达标");
        if (r.Stale) marks.Add("数据陈旧");
        if (!string.IsNullOrEmpty(r.OverrideStatus)) marks.Add($"督导人工评定：{Status(r.OverrideStatus)}");
        if (r.Inherited) marks.Add("沿用上级目标");
        return string.Join("；", marks);
    }
}
