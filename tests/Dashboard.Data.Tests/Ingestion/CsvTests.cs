using System.Text;
using Dashboard.Data.Ingestion;

namespace Dashboard.Data.Tests.Ingestion;

public sealed class CsvTests
{
    [Fact]
    public void Quoted_fields_hold_commas_quotes_and_line_breaks()
    {
        var rows = FileFeedReader.ParseCsv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\n");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["a", "b,c", "say \"hi\""], rows[0]);
        Assert.Equal(["multi\nline", "", "x"], rows[1]);
    }

    [Fact]
    public void Blank_lines_are_not_rows_even_by_the_million()
    {
        var text = new StringBuilder("h1,h2\n");
        text.Append('\n', 1_000_000).Append("1,2\r\n").Append(string.Concat(Enumerable.Repeat("\r\n", 1000))).Append("3,4");
        var rows = FileFeedReader.ParseCsv(text.ToString());
        Assert.Equal([["h1", "h2"], ["1", "2"], ["3", "4"]], rows.Select(r => r.ToArray()).ToList());
    }

    [Fact]
    public void A_file_with_blank_lines_keeps_its_row_numbers_honest()
    {
        // Row numbers of results are positions among the data rows (header = 1); blank lines do not count.
        var csv = "region,indicator,period,numerator,denominator,value,revision,updatedAt\n\n331024,X,2025-09,1,2,,1,2025-10-08T09:30:00+08:00\n";
        using var file = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        var batches = FileFeedReader.Read(file, "f.csv", new FileFeedOptions());
        var row = Assert.Single(Assert.Single(batches));
        Assert.Equal(2, row.RowNumber);
    }
}
