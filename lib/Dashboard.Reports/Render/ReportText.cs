using System.Globalization;
using System.Text;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Reports.Snapshot;

namespace Dashboard.Reports.Render;

/// <summary>
/// Every word and number format the three renderings share, so the DOCX, the XLSX and the HTML say the
/// same thing in the same words.
/// </summary>
public static class ReportText
{
    /// <summary>The rating as printed in a bulletin.</summary>
    public static string Rating(ScorecardStatus status) => status switch
    {
        ScorecardStatus.Green => "正常推进",
        ScorecardStatus.AmberGreen => "基本正常",
        ScorecardStatus.AmberRed => "进度滞后",
        ScorecardStatus.Red => "严重滞后",
        ScorecardStatus.Met => "已达标",
        ScorecardStatus.Missed => "未达标",
        ScorecardStatus.NoData => "无数据",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown rating."),
    };

    /// <summary>The rating with the inspector's override and the stale flag beside it (never instead of it).</summary>
    public static string RatingWithFlags(ReportRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var text = Rating(row.Status);
        if (row.OverrideStatus is { } o) text += $"（督导认定：{Rating(o)}）";
        if (row.Stale) text += "（数据未及时更新）";
        return text;
    }

    /// <summary>The comparator as printed before a target value.</summary>
    public static string Comparator(Comparator comparator) => comparator switch
    {
        Data.Catalogue.Comparator.Ge => "≥",
        Data.Catalogue.Comparator.Gt => ">",
        Data.Catalogue.Comparator.Le => "≤",
        Data.Catalogue.Comparator.Lt => "<",
        _ => throw new ArgumentOutOfRangeException(nameof(comparator), comparator, "Unknown comparator."),
    };

    /// <summary>A value as printed: ratios as percentages with two decimals, counts whole, amounts with two decimals; "—" for none.</summary>
    public static string Value(decimal? value, IndicatorKind kind, string unit) => value is not { } v
        ? "—"
        : kind == IndicatorKind.Ratio
            ? (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%"
            : v.ToString(NumberFormat(kind), CultureInfo.InvariantCulture) + Unit(unit);

    /// <summary>The Excel number format for values of an indicator kind.</summary>
    public static string ExcelFormat(IndicatorKind kind) => kind switch
    {
        IndicatorKind.Ratio => "0.00%",
        IndicatorKind.Amount => "#,##0.00",
        _ => "#,##0",
    };

    /// <summary>The target as printed: comparator and value.</summary>
    public static string Target(ReportRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Comparator(row.Comparator) + Value(row.TargetValue, row.IndicatorKind, row.Unit);
    }

    /// <summary>A change of value: percentage points for ratios, the unit otherwise, with its sign.</summary>
    public static string Delta(decimal delta, IndicatorKind kind, string unit)
    {
        var sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
        var abs = Math.Abs(delta);
        return kind == IndicatorKind.Ratio
            ? sign + (abs * 100).ToString("0.00", CultureInfo.InvariantCulture) + "个百分点"
            : sign + abs.ToString(NumberFormat(kind), CultureInfo.InvariantCulture) + Unit(unit);
    }

    /// <summary>The "change since the last report" cell.</summary>
    public static string Change(ReportRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Change is not { } c) return "首期通报";
        if (c.IsNew) return "本期新增";
        var parts = new List<string>();
        if (c.StatusChanged(row.Status) && c.PreviousStatus is { } before)
            parts.Add($"{(Rank(row.Status) < Rank(before) ? "↑" : "↓")}由“{Rating(before)}”变为“{Rating(row.Status)}”");
        else
            parts.Add("评级未变");
        if (c.ValueDelta is { } d) parts.Add("数值" + Delta(d, row.IndicatorKind, row.Unit));
        if (c.Restated)
            parts.Add($"上期数据已更正（上期通报{Value(c.PreviousActual, row.IndicatorKind, row.Unit)}，现为{Value(c.RestatedActual, row.IndicatorKind, row.Unit)}）");
        return string.Join("；", parts);
    }

    /// <summary>A date as printed in Chinese: 2026年3月31日.</summary>
    public static string Date(DateOnly date) => string.Create(CultureInfo.InvariantCulture, $"{date.Year}年{date.Month}月{date.Day}日");

    /// <summary>A period's first day as printed: 2026年3月.</summary>
    public static string Period(DateOnly? period) => period is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p.Year}年{p.Month}月") : "—";

    /// <summary>A UTC time as printed in China Standard Time.</summary>
    public static string Time(DateTime? utc) => utc is { } t
        ? t.AddHours(8).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "（北京时间）"
        : "—";

    /// <summary>The bulletin's title.</summary>
    public static string Title(ReportSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return $"关于{s.CityName}教育督导目标推进情况的通报";
    }

    /// <summary>The summary paragraph, generated from the numbers.</summary>
    public static string Summary(ReportSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = s.TargetRows;
        int Count(params ScorecardStatus[] statuses) => rows.Count(r => statuses.Contains(r.Status));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{s.PeriodLabel}，{s.CityName}纳入督导的{rows.Count}项目标中，");
        sb.Append(CultureInfo.InvariantCulture, $"正常推进或基本正常{Count(ScorecardStatus.Green, ScorecardStatus.AmberGreen)}项，");
        sb.Append(CultureInfo.InvariantCulture, $"进度滞后或严重滞后{Count(ScorecardStatus.AmberRed, ScorecardStatus.Red)}项，");
        sb.Append(CultureInfo.InvariantCulture, $"已到期达标{Count(ScorecardStatus.Met)}项，到期未达标{Count(ScorecardStatus.Missed)}项");
        var noData = Count(ScorecardStatus.NoData);
        sb.Append(noData > 0 ? string.Create(CultureInfo.InvariantCulture, $"，无数据{noData}项。") : "。");

        var lagging = s.LaggingRows;
        if (lagging.Count == 0)
        {
            sb.Append("各地区均无进度滞后或未达标的目标。");
        }
        else
        {
            var worst = lagging.Select(r => r.RegionName).Distinct(StringComparer.Ordinal).Take(3).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"共有{lagging.Select(r => r.RegionCode).Distinct(StringComparer.Ordinal).Count()}个地区的{lagging.Count}项目标进度滞后或未达标，");
            sb.Append(CultureInfo.InvariantCulture, $"问题较突出的是{string.Join("、", worst)}。");
        }
        var restated = s.Rows.Count(r => r.Change?.Restated == true);
        if (restated > 0) sb.Append(CultureInfo.InvariantCulture, $"上期通报后有{restated}项数据经地区更正，本期已据实反映。");
        return sb.ToString();
    }

    /// <summary>The instruction above the lagging regions.</summary>
    public static string RectificationNotice(ReportSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return $"请下列地区会同责任单位对照目标查找原因、制定整改措施，于{Date(s.RectificationDue)}前将整改情况书面报送{s.IssuingOffice}。";
    }

    // Lower is better: used only to say whether a rating moved up or down.
    private static int Rank(ScorecardStatus s) => s switch
    {
        ScorecardStatus.Met => 0,
        ScorecardStatus.Green => 1,
        ScorecardStatus.AmberGreen => 2,
        ScorecardStatus.AmberRed => 3,
        ScorecardStatus.Red => 4,
        ScorecardStatus.Missed => 5,
        _ => 6,
    };

    private static string NumberFormat(IndicatorKind kind) => kind == IndicatorKind.Amount ? "#,##0.00" : "#,##0.##";

    // '%' belongs to ratios; a count's unit (所, 个, 人) follows the number as Chinese prints it.
    private static string Unit(string unit) => unit is "%" ? "" : unit;
}
