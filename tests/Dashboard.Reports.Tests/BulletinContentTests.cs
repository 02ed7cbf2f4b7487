using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Reports.Render;
using Dashboard.Reports.Storage;

namespace Dashboard.Reports.Tests;

/// <summary>
/// The hand-worked city R01 as of 2023-07-01 (generated 2023-07-03 10:00 Beijing time). Arithmetic:
///   T − S = 181 days, D − S = 364 days, share = 181/364.
///   L (≥ 90%, baseline Jan = 80%): e = 0.80 + 0.10 × 181/364 = 0.849725.
///     city June = (86 + 82)/(100 + 100) = 0.84 → s = 0.009725, r = 0.097253 → AmberGreen (基本正常);
///     only Jan and Jun have data (2 points &lt; 3) → forecast = a = 0.84.
///     A: 0.86 ≥ e → Green; B: 0.82 → r = 0.297253 → Red (严重滞后).
///   K (≥ 1,200 places in 2023, cumulative, city only): a = 6 × (50 + 20) = 420; e = 1200 × 181/364 = 596.703297;
///     r = (596.703297 − 420)/1200 = 0.147253 → AmberRed (进度滞后); forecast = 420 + 70 × 6 months left = 840.
///   Lagging, ranked: B/L (Red), then the city's K (AmberRed). Rectification due 2023-07-03 + 30 days = 2023-08-02.
/// </summary>
[Collection(ReportTests.Name)]
public sealed class BulletinContentTests(ReportsFixture fx)
{
    private static readonly DateOnly AsOf = new(2023, 7, 1);

    [Fact]
    public async Task Docx_prints_the_hand_worked_numbers_and_ratings()
    {
        var city = await City.HandWorkedAsync(fx, "R01");
        var report = await fx.Service("2023-07-03T02:00:00Z").GenerateAsync(city.Code, AsOf, "test-job", CancellationToken.None);
        var docx = report.Files.Single(f => f.Format == ReportFormat.Docx).Content;

        var paragraphs = OpenXmlRead.DocxParagraphs(docx);
        Assert.Equal("督导通报", paragraphs[0]);
        Assert.Equal("〔2023〕第1期", paragraphs[1]);
        Assert.Equal("测试市R01教育督导联席会议办公室2023年7月3日", paragraphs[2]);
        Assert.Equal("关于测试市R01教育督导目标推进情况的通报", paragraphs[3]);
        Assert.Contains("截至2023年7月1日，测试市R01纳入督导的2项目标中，正常推进或基本正常1项，进度滞后或严重滞后1项，已到期达标0项，到期未达标0项。"
            + "共有2个地区的2项目标进度滞后或未达标，问题较突出的是乙区、测试市R01。", paragraphs);

        var targets = OpenXmlRead.DocxTable(docx, "序号", "指标");
        Assert.Equal(["序号", "指标", "目标（截止日期）", "实际值（数据期）", "应达进度", "预测值", "评级", "较上期变化"], targets[0]);
        Assert.Equal(["1", "新增学位数", "≥1,200个（2023年12月31日）", "420个（2023年6月）", "596.7个", "840个", "进度滞后", "首期通报"], targets[1]);
        Assert.Equal(["2", "随迁子女公办学校就读比例", "≥90.00%（2023年12月31日）", "84.00%（2023年6月）", "84.97%", "84.00%", "基本正常", "首期通报"], targets[2]);
        Assert.Equal(3, targets.Count);

        var lagging = OpenXmlRead.DocxTable(docx, "序号", "地区");
        Assert.Equal(["1", "乙区", "随迁子女公办学校就读比例≥90.00%", "82.00%", "84.97%", "严重滞后", "市教育局、各区人民政府", "2023年8月2日"], lagging[1]);
        Assert.Equal(["2", "测试市R01", "新增学位数≥1,200个", "420个", "596.7个", "进度滞后", "市教育局、市发展改革委", "2023年8月2日"], lagging[2]);
        Assert.Equal(3, lagging.Count);

        var freshness = OpenXmlRead.DocxTable(docx, "地区", "最新数据期");
        Assert.Equal(["测试市R01", "2023年6月", "2023-07-01 10:00（北京时间）", "2", "0", "0"], freshness[1]);
        Assert.Equal(["甲区", "2023年6月", "2023-07-01 08:00（北京时间）", "1", "0", "0"], freshness[2]);
        Assert.Equal(["乙区", "2023年6月", "2023-07-01 10:00（北京时间）", "1", "0", "0"], freshness[3]);
        Assert.Contains(paragraphs, p => p.StartsWith("本通报依据截至2023-07-01 10:00（北京时间）入库的数据生成", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Xlsx_holds_the_scorecards_numbers_as_formatted_numbers_with_frozen_headers()
    {
        var city = await City.HandWorkedAsync(fx, "R02");
        var report = await fx.Service("2023-07-03T02:00:00Z").GenerateAsync(city.Code, AsOf, "test-job", CancellationToken.None);
        var xlsx = report.Files.Single(f => f.Format == ReportFormat.Xlsx).Content;

        foreach (var name in XlsxWorkbookWriter.SheetNames) Assert.True(OpenXmlRead.HeaderFrozen(xlsx, name), name);

        var targets = OpenXmlRead.Sheet(xlsx, "目标进展");
        Assert.Equal(2, targets.Count);
        var k = targets[0];
        Assert.Equal(city.Target("K"), k["目标编号"].Text);
        Assert.Equal(1200m, k["目标值"].Number);
        Assert.Equal(420m, k["实际值"].Number);
        Assert.Equal(596.703297m, k["应达进度"].Number);
        Assert.Equal(840m, k["预测值"].Number);
        Assert.Equal(0.147253m, k["相对差距"].Number);
        Assert.Equal("进度滞后", k["评级"].Text);
        Assert.Equal(3u, k["实际值"].NumberFormatId); // #,##0
        Assert.Equal(10u, k["相对差距"].NumberFormatId); // 0.00%
        // 2023-12-31 is Excel serial day 45291, shown as a date.
        Assert.Equal(45291m, k["截止日期"].Number);
        Assert.Equal(164u, k["截止日期"].NumberFormatId);
        var l = targets[1];
        Assert.Equal(0.90m, l["目标值"].Number);
        Assert.Equal(0.84m, l["实际值"].Number);
        Assert.Equal(0.849725m, l["应达进度"].Number);
        Assert.Equal(0.097253m, l["相对差距"].Number);
        Assert.Equal("基本正常", l["评级"].Text);
        Assert.Equal(10u, l["实际值"].NumberFormatId);
        Assert.Equal(10u, l["应达进度"].NumberFormatId);

        var lagging = OpenXmlRead.Sheet(xlsx, "滞后地区");
        Assert.Equal(["乙区", "测试市R02"], lagging.Select(r => r["地区"].Text));
        Assert.Equal([1m, 2m], lagging.Select(r => r["排名"].Number));
        Assert.Equal("市教育局、各区人民政府", lagging[0]["责任单位"].Text);
        Assert.Equal(new DateOnly(2023, 8, 2).DayNumber - new DateOnly(1899, 12, 30).DayNumber, (int)lagging[0]["整改时限"].Number);

        // Every row of the detail sheet equals the scorecard for the same as-of date.
        var card = await fx.Engine().EvaluateAsync(city.Code, AsOf, CancellationToken.None);
        var detail = OpenXmlRead.Sheet(xlsx, "全部明细");
        Assert.Equal(card.Rows.Count, detail.Count);
        foreach (var (row, cells) in card.Rows.Zip(detail))
        {
            Assert.Equal(row.RegionCode, cells["地区代码"].Text);
            Assert.Equal(row.TargetId, cells["目标编号"].Text);
            Assert.Equal(row.Actual, cells["实际值"].Value as decimal?);
            Assert.Equal(row.Expected, cells["应达进度"].Value as decimal?);
            Assert.Equal(row.TargetValue, cells["目标值"].Value as decimal?);
            Assert.Equal(row.Forecast, cells["预测值"].Value as decimal?);
            Assert.Equal(ReportText.Rating(row.Status), cells["评级"].Text);
        }
        Assert.Equal([ScorecardStatus.AmberRed, ScorecardStatus.AmberGreen, ScorecardStatus.Green, ScorecardStatus.Red], card.Rows.Select(r => r.Status));

        var summary = OpenXmlRead.Cells(xlsx, "概要");
        Assert.Equal("〔2023〕第1期", summary.Single(r => r[0].Value as string == "编号")[1].Text);
        Assert.Equal(1m, summary.Single(r => r[0].Value as string == "目标数：进度滞后")[1].Number);
        Assert.Equal(0, OpenXmlRead.FormulaCount(xlsx));
    }

    [Fact]
    public async Task Html_is_one_self_contained_page_with_print_css_and_no_script()
    {
        var city = await City.HandWorkedAsync(fx, "R03");
        var report = await fx.Service("2023-07-03T02:00:00Z").GenerateAsync(city.Code, AsOf, "test-job", CancellationToken.None);
        var html = System.Text.Encoding.UTF8.GetString(report.Files.Single(f => f.Format == ReportFormat.Html).Content);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Contains("@page", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html); // no inline event handlers
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">420个（2023年6月）</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>严重滞后</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stored_report_and_files_read_back_verified_and_rerender_byte_identically()
    {
        var city = await City.HandWorkedAsync(fx, "R04");
        var service = fx.Service("2023-07-03T02:00:00Z");
        var report = await service.GenerateAsync(city.Code, AsOf, "test-job", CancellationToken.None);

        var stored = await service.GetAsync(report.Snapshot.Id, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(report.Snapshot.ContentHash, stored.ContentHash);
        Assert.True(stored.HashMatches());
        Assert.Equal(new DateTime(2023, 7, 1, 2, 0, 0, DateTimeKind.Utc), stored.DataVersion);
        Assert.Equal("test-job", stored.GeneratedBy);
        Assert.Null(stored.PreviousReportId);

        var rendered = ReportService.Render(stored);
        // Valid against the Office 2019 schema, so Word opens them without a repair prompt.
        var validator = new DocumentFormat.OpenXml.Validation.OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2019);
        using (var docx = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Open(new MemoryStream(rendered[0].Content), false))
            Assert.Empty(validator.Validate(docx).Select(e => $"{e.Path?.XPath}: {e.Description}"));
        using (var xlsx = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(rendered[1].Content), false))
            Assert.Empty(validator.Validate(xlsx).Select(e => $"{e.Path?.XPath}: {e.Description}"));
        foreach (var format in Enum.GetValues<ReportFormat>())
        {
            var file = await service.GetFileAsync(report.Snapshot.Id, format, CancellationToken.None);
            Assert.NotNull(file);
            Assert.Equal(report.Files.Single(f => f.Format == format).Content, file.Content);
            Assert.Equal(file.Content, rendered.Single(f => f.Format == format).Content);
        }

        var list = await service.ListAsync(city.Code, CancellationToken.None);
        Assert.Equal(report.Snapshot.Id, Assert.Single(list).Id);
        await Assert.ThrowsAsync<ReportExistsException>(() => fx.Store().SaveAsync(stored, report.Files, CancellationToken.None));
        // A tampered snapshot is refused before it reaches the store.
        await Assert.ThrowsAsync<ArgumentException>(() => fx.Store().SaveAsync(stored with { Id = "R04-x", GeneratedBy = "someone else" }, [], CancellationToken.None));
    }

    [Fact]
    public void Rating_labels_are_distinct_and_cover_every_status()
    {
        var labels = Enum.GetValues<ScorecardStatus>().Select(ReportText.Rating).ToList();
        Assert.Equal(labels.Count, labels.Distinct().Count());
        Assert.Equal(["正常推进", "基本正常", "进度滞后", "严重滞后", "已达标", "未达标", "无数据"], labels);
        Assert.Equal("84.97%", ReportText.Value(0.849725m, IndicatorKind.Ratio, "%"));
        Assert.Equal("+3.50个百分点", ReportText.Delta(0.035m, IndicatorKind.Ratio, "%"));
        Assert.Equal("−12个", ReportText.Delta(-12m, IndicatorKind.Count, "个"));
    }
}
