using System.Globalization;
using System.Net;
using System.Text;
using Dashboard.Reports.Snapshot;

namespace Dashboard.Reports.Render;

/// <summary>
/// The bulletin as one self-contained HTML page for the browser's print dialog: inline CSS with print
/// rules (A4, header rows repeated, rows not split), no script, no external resources.
/// </summary>
public static class HtmlPrintView
{
    /// <summary>The MIME type.</summary>
    public const string ContentType = "text/html; charset=utf-8";

    private const string Css = """
        @page { size: A4; margin: 25mm 20mm 20mm 20mm; }
        body { font-family: "FangSong", "仿宋", "Noto Serif CJK SC", "SimSun", serif; font-size: 12pt; line-height: 1.6; color: #000; max-width: 190mm; margin: 0 auto; }
        .masthead { color: #c00000; text-align: center; font-size: 36pt; font-weight: bold; letter-spacing: 0.2em; font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; margin: 0; }
        .number { text-align: center; margin: 0.2em 0; }
        .office { display: flex; justify-content: space-between; border-bottom: 2px solid #c00000; padding-bottom: 0.3em; }
        h1 { text-align: center; font-size: 20pt; font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; margin: 0.8em 0; }
        h2 { font-size: 14pt; font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; margin: 1em 0 0.4em; }
        p.body { text-indent: 2em; text-align: justify; }
        table { width: 100%; border-collapse: collapse; font-size: 9pt; }
        th, td { border: 1px solid #000; padding: 2px 4px; vertical-align: middle; }
        th { background: #d9e1f2; font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; }
        td.num { text-align: right; white-space: nowrap; }
        .lagging { color: #c00000; }
        .meta { font-size: 8pt; color: #444; word-break: break-all; }
        .sign { text-align: right; margin: 0; }
        @media print {
          thead { display: table-header-group; }
          tr { page-break-inside: avoid; break-inside: avoid; }
          h2 { page-break-after: avoid; break-after: avoid; }
          th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """;

    /// <summary>Renders the page.</summary>
    public static string Write(ReportSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append(CultureInfo.InvariantCulture, $"<title>{E(ReportText.Title(s))} {E(s.NumberLabel)}</title>\n<style>\n{Css}\n</style>\n</head>\n<body>\n");
        h.Append("<p class=\"masthead\">督导通报</p>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"number\">{E(s.NumberLabel)}</p>\n");
        h.Append(CultureInfo.InvariantCulture, $"<div class=\"office\"><span>{E(s.IssuingOffice)}</span><span>{E(ReportText.Date(s.ReportDate))}</span></div>\n");
        h.Append(CultureInfo.InvariantCulture, $"<h1>{E(ReportText.Title(s))}</h1>\n");

        h.Append("<h2>一、总体情况</h2>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"body\">{E(ReportText.Summary(s))}</p>\n");

        h.Append("<h2>二、目标推进情况</h2>\n");
        Table(h, ["序号", "指标", "目标（截止日期）", "实际值（数据期）", "应达进度", "预测值", "评级", "较上期变化"],
            s.TargetRows.Select((r, i) => (r.IsLagging, new[]
            {
                Cell((i + 1).ToString(CultureInfo.InvariantCulture), true), Cell(r.IndicatorName), Cell($"{ReportText.Target(r)}（{ReportText.Date(r.Deadline)}）"),
                Cell($"{ReportText.Value(r.Actual, r.IndicatorKind, r.Unit)}（{ReportText.Period(r.ActualPeriod)}）", true),
                Cell(ReportText.Value(r.Expected, r.IndicatorKind, r.Unit), true), Cell(ReportText.Value(r.Forecast, r.IndicatorKind, r.Unit), true),
                Cell(ReportText.RatingWithFlags(r)), Cell(ReportText.Change(r)),
            })));

        h.Append("<h2>三、滞后地区及整改要求</h2>\n");
        if (s.LaggingRows.Count == 0)
        {
            h.Append("<p class=\"body\">本期无进度滞后或未达标的地区。</p>\n");
        }
        else
        {
            h.Append(CultureInfo.InvariantCulture, $"<p class=\"body\">{E(ReportText.RectificationNotice(s))}</p>\n");
            Table(h, ["序号", "地区", "指标及目标", "实际值", "应达进度", "评级", "责任单位", "整改时限"],
                s.LaggingRows.Select((r, i) => (true, new[]
                {
                    Cell((i + 1).ToString(CultureInfo.InvariantCulture), true), Cell(r.RegionName), Cell(r.IndicatorName + ReportText.Target(r)),
                    Cell(ReportText.Value(r.Actual, r.IndicatorKind, r.Unit), true), Cell(ReportText.Value(r.Expected, r.IndicatorKind, r.Unit), true),
                    Cell(ReportText.RatingWithFlags(r)), Cell(string.Join("、", r.ResponsibleUnits)), Cell(ReportText.Date(s.RectificationDue)),
                })));
        }

        h.Append("<h2>附件：数据时效</h2>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"body\">本通报依据截至{E(ReportText.Time(s.DataVersion))}入库的数据生成，生成后不再重算；此后各地更正的数据将在下期通报中反映并标注。</p>\n");
        Table(h, ["地区", "最新数据期", "最近入库时间", "评估项数", "数据未及时更新", "无数据"],
            s.Freshness.Select(f => (false, new[]
            {
                Cell(f.RegionName), Cell(ReportText.Period(f.LatestPeriod)), Cell(ReportText.Time(f.LoadedAt)),
                Cell(N(f.Rows), true), Cell(N(f.StaleRows), true), Cell(N(f.NoDataRows), true),
            })));
        h.Append(CultureInfo.InvariantCulture,
            $"<p class=\"meta\">报告编号：{E(s.Id)}；生成：{E(ReportText.Time(s.GeneratedAt))}，{E(s.GeneratedBy)}；上期通报：{E(s.PreviousReportId ?? "无")}；内容校验（SHA-256）：{E(s.ContentHash)}</p>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"sign\">{E(s.IssuingOffice)}</p>\n<p class=\"sign\">{E(ReportText.Date(s.ReportDate))}</p>\n");
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static (string Text, bool Number) Cell(string text, bool number = false) => (text, number);

    private static void Table(StringBuilder h, string[] header, IEnumerable<(bool Lagging, (string Text, bool Number)[] Cells)> rows)
    {
        h.Append("<table>\n<thead><tr>");
        foreach (var c in header) h.Append(CultureInfo.InvariantCulture, $"<th>{E(c)}</th>");
        h.Append("</tr></thead>\n<tbody>\n");
        foreach (var (lagging, cells) in rows)
        {
            h.Append(lagging ? "<tr class=\"lagging\">" : "<tr>");
            foreach (var (text, number) in cells) h.Append(CultureInfo.InvariantCulture, $"<td{(number ? " class=\"num\"" : "")}>{E(text)}</td>");
            h.Append("</tr>\n");
        }
        h.Append("</tbody>\n</table>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
