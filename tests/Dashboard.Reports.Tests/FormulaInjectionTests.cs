using Dashboard.Reports.Render;
using Dashboard.Reports.Storage;

namespace Dashboard.Reports.Tests;

[Collection(ReportTests.Name)]
public sealed class FormulaInjectionTests(ReportsFixture fx)
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+86 123", "'+86 123")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "'\rx")]
    [InlineData("玉山镇", "玉山镇")]
    [InlineData("a=b", "a=b")]
    [InlineData("", "")]
    public void Text_that_could_start_a_formula_is_neutralised(string text, string expected) =>
        Assert.Equal(expected, XlsxWorkbookWriter.Neutralise(text));

    [Fact]
    public async Task Region_and_unit_names_starting_with_formula_characters_come_out_as_text()
    {
        const string evil = "=HYPERLINK(\"http://example.invalid\",\"点击\")";
        var city = await City.HandWorkedAsync(fx, "F01", nameB: evil, unitsL: ["@SUM(A1)", "+市教育局"]);
        var report = await fx.Service("2023-07-03T02:00:00Z").GenerateAsync(city.Code, new DateOnly(2023, 7, 1), "test-job", CancellationToken.None);
        var xlsx = report.Files.Single(f => f.Format == ReportFormat.Xlsx).Content;

        Assert.Equal(0, OpenXmlRead.FormulaCount(xlsx));
        var lagging = OpenXmlRead.Sheet(xlsx, "滞后地区");
        Assert.Equal("'" + evil, lagging[0]["地区"].Text);
        Assert.Equal(DocumentFormat.OpenXml.Spreadsheet.CellValues.InlineString, lagging[0]["地区"].DataType);
        Assert.Equal("'@SUM(A1)、+市教育局", lagging[0]["责任单位"].Text);
        Assert.Contains(OpenXmlRead.Sheet(xlsx, "全部明细"), r => r["地区"].Value as string == "'" + evil);
        Assert.Contains(OpenXmlRead.Sheet(xlsx, "数据时效"), r => r["地区"].Value as string == "'" + evil);

        // The bulletin prints the name as given; the HTML escapes it.
        var docx = report.Files.Single(f => f.Format == ReportFormat.Docx).Content;
        Assert.Equal(evil, OpenXmlRead.DocxTable(docx, "序号", "地区")[1][1]);
        var html = System.Text.Encoding.UTF8.GetString(report.Files.Single(f => f.Format == ReportFormat.Html).Content);
        Assert.Contains("=HYPERLINK(&quot;http://example.invalid&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href", html, StringComparison.Ordinal);
    }
}
