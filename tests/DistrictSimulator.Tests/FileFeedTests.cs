using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace DistrictSimulator.Tests;

[Collection(SimulatorTests.Name)]
public sealed class FileFeedTests(SimulatorFixture fixture)
{
    private const string Source = "320583-edu";
    private static readonly string[] Header = ["region", "indicator", "period", "numerator", "denominator", "value", "revision", "updatedAt"];

    static FileFeedTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    public static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else field.Append(ch);
        }
        Assert.True(field.Length == 0 && row.Count == 0, "the last line must end with CRLF");
        return rows;
    }

    private static Item FromFields(IReadOnlyList<string> f) => new(f[0], f[1], f[2] == "" ? null : f[2],
        f[3] == "" ? null : f[3], f[4] == "" ? null : f[4], f[5] == "" ? null : f[5], int.Parse(f[6], System.Globalization.CultureInfo.InvariantCulture), f[7]);

    [Fact]
    public async Task Csv_in_utf8_with_bom_and_in_gb18030_holds_the_rows_of_the_json_feed()
    {
        using var client = Feed.Client(fixture.Simulator);
        var json = await Feed.PullItemsAsync(client, Source, 5000);

        using var utf8 = await client.GetAsync(new Uri($"/{Source}/v1/observations.csv", UriKind.Relative));
        Assert.Equal("text/csv", utf8.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", utf8.Content.Headers.ContentType?.CharSet);
        var bytes = await utf8.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = ParseCsv(new UTF8Encoding(false).GetString(bytes[3..]));
        Assert.Equal(Header, lines[0]);
        Assert.Equal(json, lines.Skip(1).Select(FromFields).ToList());

        // With names=true the files carry Chinese names, so the two encodings really differ.
        var named = await client.GetByteArrayAsync(new Uri($"/{Source}/v1/observations.csv?names=true", UriKind.Relative));
        using var gb = await client.GetAsync(new Uri($"/{Source}/v1/observations.csv?encoding=gb18030&names=true", UriKind.Relative));
        Assert.Equal("GB18030", gb.Content.Headers.ContentType?.CharSet, ignoreCase: true);
        var gbBytes = await gb.Content.ReadAsByteArrayAsync();
        Assert.NotEqual(named[3..], gbBytes);
        var gbText = Encoding.GetEncoding("GB18030").GetString(gbBytes);
        Assert.Equal(new UTF8Encoding(false).GetString(named[3..]), gbText);
        var gbLines = ParseCsv(gbText);
        Assert.Equal([.. Header, "regionName", "indicatorName"], gbLines[0]);
        Assert.Equal(json, gbLines.Skip(1).Select(FromFields).ToList());
        Assert.Contains(gbLines, l => l[8] == "玉山镇" && l[1] == "NEW_COMPULSORY_PLACES" && l[9] == "义务教育新增学位数");

        // since filters the file like the feed.
        var since = json[json.Count / 2].UpdatedAt;
        var filtered = ParseCsv(Encoding.UTF8.GetString(await client.GetByteArrayAsync(
            new Uri($"/{Source}/v1/observations.csv?encoding=utf-8-nobom&since={Uri.EscapeDataString(since)}", UriKind.Relative))));
        Assert.Equal(json.Where(r => r.UpdatedAtValue >= json[json.Count / 2].UpdatedAtValue), filtered.Skip(1).Select(FromFields));
    }

    public static List<List<(string Text, bool Number)>> ReadXlsx(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var doc = SpreadsheetDocument.Open(stream, false);
        var workbook = doc.WorkbookPart!;
        var first = workbook.Workbook.Sheets!.Elements<Sheet>().First();
        var sheet = (WorksheetPart)workbook.GetPartById(first.Id!);
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var result = new List<List<(string, bool)>>();
        foreach (var row in sheet.Worksheet.Descendants<Row>())
        {
            var cells = Enumerable.Repeat(("", false), 8).ToList();
            foreach (var cell in row.Elements<Cell>())
            {
                var column = cell.CellReference!.Value![0] - 'A';
                if (column >= 8) continue;
                var type = cell.DataType?.Value;
                cells[column] = type == CellValues.InlineString ? (cell.InlineString!.InnerText, false)
                    : type == CellValues.SharedString ? (shared[int.Parse(cell.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)], false)
                    : type == CellValues.String ? (cell.CellValue!.Text, false)
                    : (cell.CellValue!.Text, true);
            }
            result.Add(cells);
        }
        return result;
    }

    [Fact]
    public async Task Xlsx_first_worksheet_holds_the_header_and_the_rows_with_numeric_cells()
    {
        using var client = Feed.Client(fixture.Simulator);
        var json = await Feed.PullItemsAsync(client, Source, 5000);
        using var response = await client.GetAsync(new Uri($"/{Source}/v1/observations.xlsx", UriKind.Relative));
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        var rows = ReadXlsx(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(Header, rows[0].Select(c => c.Text));
        Assert.Equal(json, rows.Skip(1).Select(r => FromFields(r.Select(c => c.Text).ToList())).ToList());
        foreach (var r in rows.Skip(1))
        {
            Assert.False(r[0].Number || r[1].Number || r[2].Number || r[7].Number, "codes, periods and times are text");
            Assert.True(r[6].Number, "revision is a number");
            foreach (var i in new[] { 3, 4, 5 }) Assert.True(r[i].Text == "" || r[i].Number, $"column {i} is numeric");
        }
        Assert.Contains(rows.Skip(1), r => r[5].Number && r[5].Text != "");
        Assert.Contains(rows.Skip(1), r => r[3].Number && r[4].Number);
    }
}
