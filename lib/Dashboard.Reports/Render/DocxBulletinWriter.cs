using System.Globalization;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Dashboard.Reports.Snapshot;

namespace Dashboard.Reports.Render;

/// <summary>
/// The 督导通报 as a Word document, laid out like a government bulletin (red masthead, number, issuing
/// office and date above a red rule, then numbered sections). Same snapshot, same bytes.
/// </summary>
public static class DocxBulletinWriter
{
    /// <summary>The MIME type.</summary>
    public const string ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    // Half-points: 二号 22pt, 三号 16pt, 四号 14pt, 小五 9pt.
    private const string Title = "44", Body = "32", Section = "32", Small = "18", Masthead = "72";
    private const string Red = "C00000";
    private const string Song = "宋体", FangSong = "仿宋", Hei = "黑体";

    /// <summary>Renders the bulletin.</summary>
    public static byte[] Write(ReportSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        using var stream = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            // Relationship ids are given: the SDK would otherwise pick random ones and no two renderings would match.
            var main = doc.AddNewPart<MainDocumentPart>("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "rId1");
            var styles = main.AddNewPart<StyleDefinitionsPart>("rId1");
            styles.Styles = new Styles(new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(
                    new RunFonts { Ascii = "Times New Roman", HighAnsi = "Times New Roman", EastAsia = FangSong },
                    new FontSize { Val = Body }, new Languages { Val = "en-US", EastAsia = "zh-CN" })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(new SpacingBetweenLines { After = "0", Line = "360", LineRule = LineSpacingRuleValues.Auto }))));
            WriteCoreProperties(doc.AddNewPart<CoreFilePropertiesPart>("rId2"), s);

            var body = new Body();
            body.Append(Para(JustificationValues.Center, Run("督导通报", Masthead, Song, bold: true, color: Red)));
            body.Append(Para(JustificationValues.Center, Run(s.NumberLabel, Body, FangSong)));
            // Issuing office on the left, date on the right, over the red rule.
            var head = Para(JustificationValues.Left, Run(s.IssuingOffice, Body, FangSong), new Run(new TabChar()), Run(ReportText.Date(s.ReportDate), Body, FangSong));
            head.ParagraphProperties!.Tabs = new Tabs(new TabStop { Val = TabStopValues.Right, Position = 9070 });
            head.ParagraphProperties.ParagraphBorders = new ParagraphBorders(new BottomBorder { Val = BorderValues.Single, Size = 18, Color = Red, Space = 4 });
            body.Append(head);
            body.Append(Para(JustificationValues.Center, Run(ReportText.Title(s), Title, Song, bold: true)));

            body.Append(Heading("一、总体情况"));
            body.Append(BodyPara(ReportText.Summary(s)));

            body.Append(Heading("二、目标推进情况"));
            body.Append(Table([600, 1700, 1300, 1300, 1000, 1000, 900, 1270],
                ["序号", "指标", "目标（截止日期）", "实际值（数据期）", "应达进度", "预测值", "评级", "较上期变化"],
                s.TargetRows.Select((r, i) => new[]
                {
                    (i + 1).ToString(CultureInfo.InvariantCulture), r.IndicatorName, $"{ReportText.Target(r)}（{ReportText.Date(r.Deadline)}）",
                    $"{ReportText.Value(r.Actual, r.IndicatorKind, r.Unit)}（{ReportText.Period(r.ActualPeriod)}）",
                    ReportText.Value(r.Expected, r.IndicatorKind, r.Unit), ReportText.Value(r.Forecast, r.IndicatorKind, r.Unit),
                    ReportText.RatingWithFlags(r), ReportText.Change(r),
                })));

            body.Append(Heading("三、滞后地区及整改要求"));
            var lagging = s.LaggingRows;
            if (lagging.Count == 0)
            {
                body.Append(BodyPara("本期无进度滞后或未达标的地区。"));
            }
            else
            {
                body.Append(BodyPara(ReportText.RectificationNotice(s)));
                body.Append(Table([500, 1100, 1700, 1000, 1000, 900, 1670, 1200],
                    ["序号", "地区", "指标及目标", "实际值", "应达进度", "评级", "责任单位", "整改时限"],
                    lagging.Select((r, i) => new[]
                    {
                        (i + 1).ToString(CultureInfo.InvariantCulture), r.RegionName, $"{r.IndicatorName}{ReportText.Target(r)}",
                        ReportText.Value(r.Actual, r.IndicatorKind, r.Unit), ReportText.Value(r.Expected, r.IndicatorKind, r.Unit),
                        ReportText.RatingWithFlags(r), string.Join("、", r.ResponsibleUnits), ReportText.Date(s.RectificationDue),
                    })));
            }

            body.Append(Heading("附件：数据时效"));
            body.Append(BodyPara($"本通报依据截至{ReportText.Time(s.DataVersion)}入库的数据生成，生成后不再重算；此后各地更正的数据将在下期通报中反映并标注。"));
            body.Append(Table([1800, 1300, 2200, 1000, 1500, 1270],
                ["地区", "最新数据期", "最近入库时间", "评估项数", "数据未及时更新", "无数据"],
                s.Freshness.Select(f => new[]
                {
                    f.RegionName, ReportText.Period(f.LatestPeriod), ReportText.Time(f.LoadedAt), Int(f.Rows), Int(f.StaleRows), Int(f.NoDataRows),
                })));
            body.Append(Para(JustificationValues.Left, Run(
                $"报告编号：{s.Id}；生成：{ReportText.Time(s.GeneratedAt)}，{s.GeneratedBy}；上期通报：{s.PreviousReportId ?? "无"}；内容校验（SHA-256）：{s.ContentHash}",
                Small, FangSong)));
            body.Append(Para(JustificationValues.Right, Run(s.IssuingOffice, Body, FangSong)));
            body.Append(Para(JustificationValues.Right, Run(ReportText.Date(s.ReportDate), Body, FangSong)));

            // A4, top and bottom margins of GB/T 9704; 25 mm at the sides so the tables (9,070 twips wide) fit.
            body.Append(new SectionProperties(
                new PageSize { Width = 11906U, Height = 16838U },
                new PageMargin { Top = 2098, Bottom = 1984, Left = 1418, Right = 1418, Header = 851U, Footer = 992U, Gutter = 0U }));
            main.Document = new Document(body);
        }
        return DeterministicPackage.Normalise(stream.ToArray(), s.GeneratedAt);
    }

    private static string Int(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static Paragraph Heading(string text) => Para(JustificationValues.Left, Run(text, Section, Hei));

    private static Paragraph BodyPara(string text)
    {
        var p = Para(JustificationValues.Both, Run(text, Body, FangSong));
        p.ParagraphProperties!.Indentation = new Indentation { FirstLine = "640" };
        return p;
    }

    private static Paragraph Para(JustificationValues justification, params OpenXmlElement[] runs)
    {
        var p = new Paragraph(new ParagraphProperties(new Justification { Val = justification }));
        p.Append(runs);
        return p;
    }

    private static Run Run(string text, string size, string font, bool bold = false, string? color = null)
    {
        var props = new RunProperties(new RunFonts { EastAsia = font });
        if (bold) props.Append(new Bold());
        if (color is not null) props.Append(new Color { Val = color });
        props.Append(new FontSize { Val = size }, new FontSizeComplexScript { Val = size });
        return new Run(props, new Text(text) { Space = SpaceProcessingModeValues.Preserve });
    }

    private static Table Table(int[] widths, string[] header, IEnumerable<string[]> rows)
    {
        var border = new TableBorders(
            new TopBorder { Val = BorderValues.Single, Size = 4 }, new LeftBorder { Val = BorderValues.Single, Size = 4 },
            new BottomBorder { Val = BorderValues.Single, Size = 4 }, new RightBorder { Val = BorderValues.Single, Size = 4 },
            new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 });
        var table = new Table(new TableProperties(new TableWidth { Type = TableWidthUnitValues.Dxa, Width = widths.Sum().ToString(CultureInfo.InvariantCulture) },
            new TableJustification { Val = TableRowAlignmentValues.Center }, border, new TableLayout { Type = TableLayoutValues.Fixed }));
        table.Append(new TableGrid(widths.Select(w => new GridColumn { Width = w.ToString(CultureInfo.InvariantCulture) })));
        // The header row repeats on every page the table runs over.
        table.Append(Row(widths, header, bold: true, header: true));
        foreach (var r in rows) table.Append(Row(widths, r, bold: false, header: false));
        return table;
    }

    private static TableRow Row(int[] widths, string[] cells, bool bold, bool header)
    {
        var row = new TableRow();
        if (header) row.Append(new TableRowProperties(new TableHeader()));
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = new TableCell(new TableCellProperties(
                new TableCellWidth { Type = TableWidthUnitValues.Dxa, Width = widths[i].ToString(CultureInfo.InvariantCulture) },
                new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Center }));
            var p = Para(header ? JustificationValues.Center : JustificationValues.Left, Run(cells[i], Small, header ? Hei : Song, bold));
            // Single spacing in cells: the body's 1.5 lines would double the tables' height.
            p.ParagraphProperties!.SpacingBetweenLines = new SpacingBetweenLines { Line = "240", LineRule = LineSpacingRuleValues.Auto };
            cell.Append(p);
            row.Append(cell);
        }
        return row;
    }

    // Office's own core.xml, written by hand: the packaging library's PackageProperties would add a part
    // named after a fresh GUID, and its times default to now.
    private static void WriteCoreProperties(CoreFilePropertiesPart part, ReportSnapshot s)
    {
        using var stream = part.GetStream(FileMode.Create);
        WriteCore(stream, ReportText.Title(s), s.IssuingOffice, s.GeneratedAt);
    }

    internal static void WriteCore(Stream stream, string title, string creator, DateTime generatedAt)
    {
        const string cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
        const string dc = "http://purl.org/dc/elements/1.1/";
        const string dcterms = "http://purl.org/dc/terms/";
        const string xsi = "http://www.w3.org/2001/XMLSchema-instance";
        var when = generatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        using var w = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false) });
        w.WriteStartDocument(true);
        w.WriteStartElement("cp", "coreProperties", cp);
        w.WriteAttributeString("xmlns", "dc", null, dc);
        w.WriteAttributeString("xmlns", "dcterms", null, dcterms);
        w.WriteAttributeString("xmlns", "xsi", null, xsi);
        w.WriteElementString("title", dc, title);
        w.WriteElementString("creator", dc, creator);
        foreach (var name in new[] { "created", "modified" })
        {
            w.WriteStartElement(name, dcterms);
            w.WriteAttributeString("type", xsi, "dcterms:W3CDTF");
            w.WriteString(when);
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndDocument();
    }
}
