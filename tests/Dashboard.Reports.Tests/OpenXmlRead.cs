using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Dashboard.Reports.Tests;

/// <summary>Reads generated files back with the OpenXML SDK, as a recipient's software would.</summary>
internal static class OpenXmlRead
{
    /// <summary>Every table of the document as rows of cell texts.</summary>
    public static List<List<List<string>>> DocxTables(byte[] docx)
    {
        using var doc = WordprocessingDocument.Open(new MemoryStream(docx), false);
        return doc.MainDocumentPart!.Document.Body!.Elements<W.Table>()
            .Select(t => t.Elements<W.TableRow>().Select(r => r.Elements<W.TableCell>().Select(c => c.InnerText).ToList()).ToList())
            .ToList();
    }

    /// <summary>The table whose header row starts with <paramref name="firstHeaders"/>.</summary>
    public static List<List<string>> DocxTable(byte[] docx, params string[] firstHeaders) =>
        DocxTables(docx).Single(t => t[0].Take(firstHeaders.Length).SequenceEqual(firstHeaders));

    /// <summary>The document's paragraphs outside tables.</summary>
    public static List<string> DocxParagraphs(byte[] docx)
    {
        using var doc = WordprocessingDocument.Open(new MemoryStream(docx), false);
        return doc.MainDocumentPart!.Document.Body!.Elements<W.Paragraph>().Select(p => p.InnerText).ToList();
    }

    /// <summary>A sheet's cells by header: rows after the header, each a map header → cell.</summary>
    public static List<Dictionary<string, XCell>> Sheet(byte[] xlsx, string name)
    {
        var all = Cells(xlsx, name);
        var header = all[0].Select(c => (string)c.Value!).ToList();
        return all.Skip(1).Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    /// <summary>Every cell of a sheet, row by row.</summary>
    public static List<List<XCell>> Cells(byte[] xlsx, string name)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var wb = doc.WorkbookPart!;
        var sheet = wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        var part = (WorksheetPart)wb.GetPartById(sheet.Id!);
        var formats = wb.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ToList();
        return part.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().Select(r => r.Elements<Cell>().Select(c =>
        {
            var numFmt = formats[(int)(c.StyleIndex?.Value ?? 0)].NumberFormatId?.Value ?? 0;
            object? value = c.DataType?.Value == CellValues.InlineString ? c.InlineString!.InnerText
                : c.CellValue is { } v ? decimal.Parse(v.Text, System.Globalization.CultureInfo.InvariantCulture)
                : null;
            return new XCell(value, numFmt, c.CellFormula is not null, c.DataType?.Value);
        }).ToList()).ToList();
    }

    /// <summary>Whether the sheet's first row is frozen.</summary>
    public static bool HeaderFrozen(byte[] xlsx, string name)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var wb = doc.WorkbookPart!;
        var sheet = wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        var pane = ((WorksheetPart)wb.GetPartById(sheet.Id!)).Worksheet.Descendants<Pane>().SingleOrDefault();
        return pane is not null && pane.State?.Value == PaneStateValues.Frozen && pane.VerticalSplit?.Value == 1D && pane.TopLeftCell == "A2";
    }

    /// <summary>Every formula in the workbook.</summary>
    public static int FormulaCount(byte[] xlsx)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        return doc.WorkbookPart!.WorksheetParts.Sum(p => p.Worksheet.Descendants<CellFormula>().Count());
    }
}

/// <summary>A cell read back: text (string), number (decimal) or empty; its number format id; whether it holds a formula.</summary>
internal sealed record XCell(object? Value, uint NumberFormatId, bool HasFormula, CellValues? DataType)
{
    public decimal Number => Value is decimal d ? d : throw new InvalidOperationException($"Cell is not a number: {Value ?? "(empty)"}");

    public string Text => Value as string ?? throw new InvalidOperationException($"Cell is not text: {Value ?? "(empty)"}");
}
