using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DistrictSimulator.Generation;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace DistrictSimulator.Feed;

/// <summary>Writes rows in the contract's three forms: the JSON page, CSV and XLSX.</summary>
public static class FeedWriters
{
    /// <summary>The CSV and XLSX header, in the contract's column order.</summary>
    public static readonly IReadOnlyList<string> Header = ["region", "indicator", "period", "numerator", "denominator", "value", "revision", "updatedAt"];

    /// <summary>Extra columns a file gets with <c>names=true</c>: the Chinese names of the region and the indicator.</summary>
    public static readonly IReadOnlyList<string> NameColumns = ["regionName", "indicatorName"];

    // application/json only, never embedded in HTML: '+' of the offset and Chinese text stay readable.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON page: <c>{"source", "items", "next"}</c>.</summary>
    public static byte[] Json(string sourceId, IEnumerable<OutRow> rows, string? next)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            w.WriteString("source", sourceId);
            w.WriteStartArray("items");
            foreach (var row in rows) WriteItem(w, row);
            w.WriteEndArray();
            if (next is null) w.WriteNull("next");
            else w.WriteString("next", next);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The truth of a source: <c>{"source", "today", "items"}</c>.</summary>
    public static byte[] Truth(string sourceId, DateOnly today, IEnumerable<FeedRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            w.WriteString("source", sourceId);
            w.WriteString("today", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteStartArray("items");
            foreach (var row in rows) WriteItem(w, OutRow.From(row));
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteItem(Utf8JsonWriter w, OutRow row)
    {
        w.WriteStartObject();
        w.WriteString("region", row.Region);
        w.WriteString("indicator", row.Indicator);
        if (row.Period is not null) w.WriteString("period", row.Period);
        WriteNumber(w, "numerator", row.Numerator);
        WriteNumber(w, "denominator", row.Denominator);
        WriteNumber(w, "value", row.Value);
        w.WriteNumber("revision", row.Revision);
        w.WriteString("updatedAt", row.UpdatedAt);
        w.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, OutNumber n)
    {
        if (n.Text is not null) w.WriteString(name, n.Text);
        else if (n.Number is { } d) w.WriteNumber(name, d);
        else w.WriteNull(name);
    }

    /// <summary>RFC 4180 CSV (CRLF line ends, fields quoted when they hold a comma, quote or line break), with the encoding's preamble.</summary>
    public static byte[] Csv(IEnumerable<OutRow> rows, Encoding encoding, bool withPreamble, Func<OutRow, (string Region, string Indicator)>? names)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(encoding);
        var sb = new StringBuilder();
        void Line(IEnumerable<string> fields)
        {
            sb.AppendJoin(',', fields.Select(Quote));
            sb.Append("\r\n");
        }
        Line(names is null ? Header : Header.Concat(NameColumns));
        foreach (var row in rows)
        {
            var fields = new List<string>
            {
                row.Region, row.Indicator, row.Period ?? "", row.Numerator.ToCsv(), row.Denominator.ToCsv(), row.Value.ToCsv(),
                row.Revision.ToString(CultureInfo.InvariantCulture), row.UpdatedAt,
            };
            if (names is not null)
            {
                var (region, indicator) = names(row);
                fields.Add(region);
                fields.Add(indicator);
            }
            Line(fields);
        }
        var body = encoding.GetBytes(sb.ToString());
        var preamble = withPreamble ? encoding.GetPreamble() : [];
        return [.. preamble, .. body];
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    /// <summary>An XLSX workbook whose first worksheet holds the header in row 1 and one row per line: numbers as numeric cells, text as inline strings.</summary>
    public static byte[] Xlsx(IEnumerable<OutRow> rows, Func<OutRow, (string Region, string Indicator)>? names)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var buffer = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var workbook = doc.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            sheetPart.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "observations" }));

            uint r = 1;
            var header = new Row { RowIndex = r };
            var columns = names is null ? Header : Header.Concat(NameColumns).ToList();
            for (var c = 0; c < columns.Count; c++) header.Append(TextCell(c, r, columns[c]));
            data.Append(header);
            foreach (var row in rows)
            {
                r++;
                var x = new Row { RowIndex = r };
                x.Append(TextCell(0, r, row.Region));
                x.Append(TextCell(1, r, row.Indicator));
                if (row.Period is not null) x.Append(TextCell(2, r, row.Period));
                if (NumberCell(3, r, row.Numerator) is { } n) x.Append(n);
                if (NumberCell(4, r, row.Denominator) is { } d) x.Append(d);
                if (NumberCell(5, r, row.Value) is { } v) x.Append(v);
                x.Append(NumberCell(6, r, OutNumber.Of(row.Revision))!);
                x.Append(TextCell(7, r, row.UpdatedAt));
                if (names is not null)
                {
                    var (region, indicator) = names(row);
                    x.Append(TextCell(8, r, region));
                    x.Append(TextCell(9, r, indicator));
                }
                data.Append(x);
            }
            workbook.Workbook.Save();
        }
        return buffer.ToArray();
    }

    private static string Reference(int column, uint row) => $"{(char)('A' + column)}{row.ToString(CultureInfo.InvariantCulture)}";

    private static Cell TextCell(int column, uint row, string text) => new()
    {
        CellReference = Reference(column, row),
        DataType = CellValues.InlineString,
        InlineString = new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }),
    };

    private static Cell? NumberCell(int column, uint row, OutNumber n)
    {
        if (n.Text is not null) return TextCell(column, row, n.Text);
        if (n.Number is not { } d) return null;
        return new Cell { CellReference = Reference(column, row), DataType = CellValues.Number, CellValue = new CellValue(d.ToString(CultureInfo.InvariantCulture)) };
    }
}
