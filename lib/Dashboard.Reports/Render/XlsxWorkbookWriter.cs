using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Dashboard.Data.Catalogue;
using Dashboard.Reports.Snapshot;

namespace Dashboard.Reports.Render;

/// <summary>
/// The bulletin as a workbook, one sheet per section: numbers are numbers with number formats
/// (percentages for ratios), dates are dates, header rows are frozen, and no text can be read as a formula.
/// </summary>
public static class XlsxWorkbookWriter
{
    /// <summary>The MIME type.</summary>
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Sheet names, in order.</summary>
    public static readonly IReadOnlyList<string> SheetNames = ["概要", "目标进展", "滞后地区", "数据时效", "全部明细"];

    // Cell format indexes of the stylesheet below.
    internal const uint Plain = 0, Header = 1, Percent = 2, Count = 3, Amount = 4, DateStyle = 5, DateTimeStyle = 6, Wrap = 7;

    /// <summary>Renders the workbook.</summary>
    public static byte[] Write(ReportSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        using var stream = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            // Relationship ids are given: the SDK would otherwise pick random ones and no two renderings would match.
            var wb = doc.AddNewPart<WorkbookPart>("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "rId1");
            wb.Workbook = new Workbook();
            var sheets = wb.Workbook.AppendChild(new Sheets());
            wb.AddNewPart<WorkbookStylesPart>("rIdStyles").Stylesheet = Stylesheet();
            using (var core = doc.AddNewPart<CoreFilePropertiesPart>("rId2").GetStream(FileMode.Create))
                DocxBulletinWriter.WriteCore(core, ReportText.Title(s), s.IssuingOffice, s.GeneratedAt);

            var sections = new (string Name, Col[] Cols, IReadOnlyList<Cell[]> Rows)[]
            {
                ("概要", [new("项目", 18), new("内容", 100)], SummaryRows(s)),
                ("目标进展", TargetCols(region: false), Rows(s.TargetRows, TargetCols(region: false))),
                ("滞后地区", LaggingCols(s), Rows(s.LaggingRows, LaggingCols(s))),
                ("数据时效", [new("地区代码", 14), new("地区", 16), new("最新数据期", 14), new("最近入库时间（北京时间）", 22), new("评估项数", 10), new("数据未及时更新", 14), new("无数据", 10)],
                    s.Freshness.Select(f => new[]
                    {
                        Text(f.RegionCode), Text(f.RegionName), Date(f.LatestPeriod), DateTimeCell(f.LoadedAt), Int(f.Rows), Int(f.StaleRows), Int(f.NoDataRows),
                    }).ToList()),
                ("全部明细", TargetCols(region: true), Rows(s.Rows, TargetCols(region: true))),
            };
            uint sheetId = 1;
            foreach (var (name, cols, rows) in sections)
            {
                var part = wb.AddNewPart<WorksheetPart>("rIdSheet" + sheetId.ToString(CultureInfo.InvariantCulture));
                part.Worksheet = Sheet(cols, rows);
                sheets.Append(new Sheet { Id = wb.GetIdOfPart(part), SheetId = sheetId++, Name = name });
            }
        }
        return DeterministicPackage.Normalise(stream.ToArray(), s.GeneratedAt);
    }

    /// <summary>
    /// Text that a spreadsheet (or a CSV export of it) could read as a formula gets a leading apostrophe:
    /// = + - @ tab and carriage return at the start.
    /// </summary>
    public static string Neutralise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
    }

    internal sealed record Col(string Header, double Width, Func<ReportRow, Cell>? Value = null);

    private static Col[] TargetCols(bool region)
    {
        var cols = new List<Col>();
        if (region) cols.AddRange([new("地区代码", 12, r => Text(r.RegionCode)), new("地区", 14, r => Text(r.RegionName))]);
        cols.AddRange(
        [
            new("目标编号", 20, r => Text(r.TargetId)),
            new("指标", 28, r => Text(r.IndicatorName)),
            new("比较", 6, r => Text(ReportText.Comparator(r.Comparator))),
            new("目标值", 12, r => Number(r.TargetValue, r.IndicatorKind)),
            new("截止日期", 12, r => Date(r.Deadline)),
            new("实际值", 12, r => Number(r.Actual, r.IndicatorKind)),
            new("数据期", 12, r => Date(r.ActualPeriod)),
            new("应达进度", 12, r => Number(r.Expected, r.IndicatorKind)),
            new("预测值", 12, r => Number(r.Forecast, r.IndicatorKind)),
            new("相对差距", 10, r => r.RelativeShortfall is { } x ? new Cell(x, Percent) : Empty),
            new("评级", 12, r => Text(ReportText.Rating(r.Status))),
            new("督导认定", 12, r => r.OverrideStatus is { } o ? Text(ReportText.Rating(o)) : Empty),
            new("数据未及时更新", 10, r => Text(r.Stale ? "是" : "否")),
            new("预计不能按期完成", 10, r => Text(r.WillMiss ? "是" : "否")),
            new("上期实际值", 12, r => Number(r.Change?.PreviousActual, r.IndicatorKind)),
            new("较上期变化量", 12, r => r.Change?.ValueDelta is { } d ? Number(d, r.IndicatorKind) : Empty),
            new("上期数据已更正", 10, r => r.Change is null ? Empty : Text(r.Change.Restated ? "是" : "否")),
            new("较上期变化", 40, r => Text(ReportText.Change(r))),
        ]);
        return [.. cols];
    }

    private static Col[] LaggingCols(ReportSnapshot s) =>
    [
        new("排名", 6),
        new("地区", 14, r => Text(r.RegionName)),
        new("指标", 28, r => Text(r.IndicatorName)),
        new("目标", 14, r => Text(ReportText.Target(r))),
        new("实际值", 12, r => Number(r.Actual, r.IndicatorKind)),
        new("应达进度", 12, r => Number(r.Expected, r.IndicatorKind)),
        new("相对差距", 10, r => r.RelativeShortfall is { } x ? new Cell(x, Percent) : Empty),
        new("评级", 12, r => Text(ReportText.Rating(r.Status))),
        new("责任单位", 30, r => Text(string.Join("、", r.ResponsibleUnits))),
        new("整改时限", 12, _ => Date(s.RectificationDue)),
        new("政策文件", 30, r => Text(r.Document)),
        new("条款", 60, r => Text(r.Clause)),
    ];

    private static List<Cell[]> Rows(IReadOnlyList<ReportRow> rows, Col[] cols) =>
        rows.Select((r, i) => cols.Select(c => c.Value is null ? Int(i + 1) : c.Value(r)).ToArray()).ToList();

    private static List<Cell[]> SummaryRows(ReportSnapshot s)
    {
        var rows = new List<Cell[]>
        {
            new[] { Text("标题"), Text(ReportText.Title(s)) },
            new[] { Text("编号"), Text(s.NumberLabel) },
            new[] { Text("发文单位"), Text(s.IssuingOffice) },
            new[] { Text("通报日期"), Date(s.ReportDate) },
            new[] { Text("统计截至"), Date(s.AsOf) },
            new[] { Text("总体情况"), new Cell(ReportText.Summary(s), Wrap) },
            new[] { Text("整改时限"), Date(s.RectificationDue) },
            new[] { Text("数据版本"), DateTimeCell(s.DataVersion) },
            new[] { Text("生成时间"), DateTimeCell(s.GeneratedAt) },
            new[] { Text("生成者"), Text(s.GeneratedBy) },
            new[] { Text("报告编号"), Text(s.Id) },
            new[] { Text("上期通报"), Text(s.PreviousReportId ?? "无") },
            new[] { Text("内容校验"), Text(s.ContentHash) },
        };
        foreach (var status in Enum.GetValues<Data.Scorecard.ScorecardStatus>())
            rows.Add([Text("目标数：" + ReportText.Rating(status)), Int(s.TargetRows.Count(r => r.Status == status))]);
        return rows;
    }

    // A cell: text (neutralised when written), a number or a date serial, with its format index.
    internal sealed record Cell(object? Value, uint Style);

    private static readonly Cell Empty = new(null, Plain);

    private static Cell Text(string text) => new(text, Plain);

    private static Cell Int(int n) => new((decimal)n, Count);

    private static Cell Number(decimal? value, IndicatorKind kind) =>
        value is { } v ? new Cell(v, kind switch { IndicatorKind.Ratio => Percent, IndicatorKind.Amount => Amount, _ => Count }) : Empty;

    private static Cell Date(DateOnly? date) => date is { } d ? new Cell((decimal)d.DayNumber - Epoch, DateStyle) : Empty;

    // Beijing time, as the bulletin prints it.
    private static Cell DateTimeCell(DateTime? utc) => utc is { } t
        ? new Cell((decimal)(t.AddHours(8) - new DateTime(1899, 12, 30)).TotalSeconds / 86400m, DateTimeStyle)
        : Empty;

    // Excel's serial day 0 is 1899-12-30 (the 1900 leap-year bug absorbed).
    private static readonly int Epoch = new DateOnly(1899, 12, 30).DayNumber;

    private static Worksheet Sheet(Col[] cols, IReadOnlyList<Cell[]> rows)
    {
        var columns = new Columns(cols.Select((c, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = c.Width, CustomWidth = true }));
        var data = new SheetData();
        data.Append(Row(1, cols.Select(c => new Cell(c.Header, Header)).ToArray()));
        for (var i = 0; i < rows.Count; i++) data.Append(Row((uint)i + 2, rows[i]));
        var view = new SheetView(new Pane
        {
            VerticalSplit = 1D, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen,
        }, new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
        { WorkbookViewId = 0U };
        return new Worksheet(new SheetViews(view), columns, data);
    }

    private static Row Row(uint index, Cell[] cells)
    {
        var row = new Row { RowIndex = index };
        for (var i = 0; i < cells.Length; i++)
        {
            var reference = ColumnName(i) + index.ToString(CultureInfo.InvariantCulture);
            var c = cells[i];
            row.Append(c.Value switch
            {
                null => new DocumentFormat.OpenXml.Spreadsheet.Cell { CellReference = reference, StyleIndex = c.Style },
                string text => new DocumentFormat.OpenXml.Spreadsheet.Cell(new InlineString(new Text(Neutralise(text)) { Space = SpaceProcessingModeValues.Preserve }))
                {
                    CellReference = reference, DataType = CellValues.InlineString, StyleIndex = c.Style,
                },
                decimal number => new DocumentFormat.OpenXml.Spreadsheet.Cell(new CellValue(number.ToString(CultureInfo.InvariantCulture)))
                {
                    CellReference = reference, StyleIndex = c.Style,
                },
                _ => throw new InvalidOperationException($"Unexpected cell value {c.Value.GetType()}."),
            });
        }
        return row;
    }

    internal static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + ((n - 1) % 26)) + name;
        return name;
    }

    private static Stylesheet Stylesheet() => new(
        new NumberingFormats(
            new NumberingFormat { NumberFormatId = 164U, FormatCode = "yyyy-mm-dd" },
            new NumberingFormat { NumberFormatId = 165U, FormatCode = "yyyy-mm-dd hh:mm" })
        { Count = 2U },
        new Fonts(
            new Font(new FontSize { Val = 11D }, new FontName { Val = "等线" }),
            new Font(new Bold(), new FontSize { Val = 11D }, new FontName { Val = "等线" }))
        { Count = 2U },
        new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFD9E1F2" }) { PatternType = PatternValues.Solid }))
        { Count = 3U },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1U },
        new CellFormats(
            new CellFormat { NumberFormatId = 0U, FontId = 0U, FillId = 0U, BorderId = 0U },
            new CellFormat { NumberFormatId = 0U, FontId = 1U, FillId = 2U, BorderId = 0U, ApplyFont = true, ApplyFill = true },
            new CellFormat { NumberFormatId = 10U, FontId = 0U, FillId = 0U, BorderId = 0U, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 3U, FontId = 0U, FillId = 0U, BorderId = 0U, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 4U, FontId = 0U, FillId = 0U, BorderId = 0U, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 164U, FontId = 0U, FillId = 0U, BorderId = 0U, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 165U, FontId = 0U, FillId = 0U, BorderId = 0U, ApplyNumberFormat = true },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { NumberFormatId = 0U, FontId = 0U, FillId = 0U, BorderId = 0U, ApplyAlignment = true })
        { Count = 8U });
}
