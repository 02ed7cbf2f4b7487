using Dashboard.Data.Scorecard;
using Dashboard.Reports.Snapshot;
using Dashboard.Reports.Storage;

namespace Dashboard.Reports.Tests;

/// <summary>
/// Report 1 of the hand-worked city as of 2023-07-01; then district B restates June (82 → 84, revision 2)
/// and both districts report August (A 87/100, B 88/100; a period counts from its first day, so
/// August is invisible as of 2023-07-01 and visible as of 2023-08-01); report 2 as of 2023-08-01.
///   As of 2023-08-01: share = 212/364, L's e = 0.80 + 0.10 × 212/364 = 0.858242.
///   City L: a = (87 + 88)/200 = 0.875 ≥ e → Green (was AmberGreen at 0.84): +3.50 points.
///     Restated: June as of 2023-07-01 recomputed today = (86 + 84)/200 = 0.85, report 1 printed 0.84.
///   B/L: 0.88 → Green (was Red at 0.82), +6 points; restated June 0.82 → 0.84.
///   A/L: 0.86 → 0.87, Green both; June unchanged, so not restated.
///   K: still 420, e = 1200 × 212/364 = 698.901099, r = 0.232418 → AmberRed, unchanged.
/// </summary>
[Collection(ReportTests.Name)]
public sealed class RestatementTests(ReportsFixture fx)
{
    private static readonly DateOnly July = new(2023, 7, 1), August = new(2023, 8, 1);

    private async Task<(City City, GeneratedReport First)> FirstReportAsync(string code)
    {
        var city = await City.HandWorkedAsync(fx, code);
        var first = await fx.Service("2023-07-03T02:00:00Z").GenerateAsync(city.Code, July, "test-job", CancellationToken.None);
        await city.RatioAsync(city.Region("B"), "R", "2023-06", 84, 100, revision: 2, loadedAt: "2023-07-10 00:00:00");
        await city.RatioAsync(city.Region("A"), "R", "2023-08", 87, 100, loadedAt: "2023-08-01 00:00:00");
        await city.RatioAsync(city.Region("B"), "R", "2023-08", 88, 100, loadedAt: "2023-08-01 00:00:00");
        return (city, first);
    }

    [Fact]
    public async Task A_restatement_after_generation_leaves_the_stored_report_byte_identical()
    {
        var (city, first) = await FirstReportAsync("S01");
        var service = fx.Service("2023-07-20T02:00:00Z");

        foreach (var format in Enum.GetValues<ReportFormat>())
        {
            var stored = await service.GetFileAsync(first.Snapshot.Id, format, CancellationToken.None);
            Assert.Equal(first.Files.Single(f => f.Format == format).Content, stored!.Content);
        }
        var snapshot = await service.GetAsync(first.Snapshot.Id, CancellationToken.None);
        Assert.Equal(first.Snapshot.ContentHash, snapshot!.ContentHash);
        Assert.Equal(0.82m, snapshot.Rows.Single(r => r.RegionCode == city.Region("B")).Actual);
        // The scorecard itself does see the restatement: the stored report is frozen, not stale by accident.
        var now = await fx.Engine().EvaluateAsync(city.Code, July, CancellationToken.None);
        Assert.Equal(0.84m, now.Rows.Single(r => r.RegionCode == city.Region("B")).Actual);
    }

    [Fact]
    public async Task The_next_report_marks_changes_and_restatements_since_the_last_one()
    {
        var (city, first) = await FirstReportAsync("S02");
        var second = (await fx.Service("2023-08-03T02:00:00Z").GenerateAsync(city.Code, August, "test-job", CancellationToken.None)).Snapshot;

        Assert.Equal(first.Snapshot.Id, second.PreviousReportId);
        Assert.Equal(July, second.PreviousAsOf);
        Assert.Equal("〔2023〕第2期", second.NumberLabel);
        Assert.Equal("S02-2023-002", second.Id);

        var cityL = second.Rows.Single(r => r.RegionCode == city.Code && r.TargetId == city.Target("L"));
        Assert.Equal(ScorecardStatus.Green, cityL.Status);
        Assert.Equal(0.875m, cityL.Actual);
        Assert.Equal(new RowChange(false, ScorecardStatus.AmberGreen, 0.84m, 0.035m, true, 0.85m), cityL.Change);

        var b = second.Rows.Single(r => r.RegionCode == city.Region("B"));
        Assert.Equal(new RowChange(false, ScorecardStatus.Red, 0.82m, 0.06m, true, 0.84m), b.Change);
        var a = second.Rows.Single(r => r.RegionCode == city.Region("A"));
        Assert.Equal(new RowChange(false, ScorecardStatus.Green, 0.86m, 0.01m, false, null), a.Change);
        var k = second.Rows.Single(r => r.TargetId == city.Target("K"));
        Assert.Equal(ScorecardStatus.AmberRed, k.Status);
        Assert.Equal(0.232418m, k.RelativeShortfall);
        Assert.Equal(new RowChange(false, ScorecardStatus.AmberRed, 420m, 0m, false, null), k.Change);

        var files = ReportService.Render(second);
        var docx = files.Single(f => f.Format == ReportFormat.Docx).Content;
        var table = OpenXmlRead.DocxTable(docx, "序号", "指标");
        Assert.Equal("评级未变；数值±0个", table[1][7]);
        Assert.Equal("↑由“基本正常”变为“正常推进”；数值+3.50个百分点；上期数据已更正（上期通报84.00%，现为85.00%）", table[2][7]);
        Assert.Contains(OpenXmlRead.DocxParagraphs(docx), p => p.EndsWith("上期通报后有2项数据经地区更正，本期已据实反映。", StringComparison.Ordinal));

        var detail = OpenXmlRead.Sheet(files.Single(f => f.Format == ReportFormat.Xlsx).Content, "全部明细");
        var bCells = detail.Single(r => r["地区代码"].Text == city.Region("B"));
        Assert.Equal("是", bCells["上期数据已更正"].Text);
        Assert.Equal(0.82m, bCells["上期实际值"].Number);
        Assert.Equal(0.06m, bCells["较上期变化量"].Number);
        Assert.Equal(10u, bCells["较上期变化量"].NumberFormatId);
        Assert.Equal("否", detail.Single(r => r["地区代码"].Text == city.Region("A"))["上期数据已更正"].Text);
        // No lagging district any more: only the city's K is behind.
        Assert.Equal([city.Target("K")], second.LaggingRows.Select(r => r.TargetId));
    }

    [Fact]
    public async Task Two_reports_compare_by_rating_and_value()
    {
        var (city, first) = await FirstReportAsync("S03");
        var service = fx.Service("2023-08-03T02:00:00Z");
        var second = await service.GenerateAsync(city.Code, August, "test-job", CancellationToken.None);

        // Either order: the earlier as-of date is "before".
        var comparison = await service.CompareAsync(second.Snapshot.Id, first.Snapshot.Id, CancellationToken.None);
        Assert.Equal(first.Snapshot.Id, comparison.Earlier.Id);
        Assert.Equal(second.Snapshot.Id, comparison.Later.Id);
        var byKey = comparison.Rows.ToDictionary(r => (r.RegionCode, r.TargetId));
        Assert.Equal(4, byKey.Count);
        Assert.Equal(new RowDifference(city.Code, "测试市S03", city.Target("K"), "新增学位数", DifferenceKind.Unchanged,
            ScorecardStatus.AmberRed, ScorecardStatus.AmberRed, 420m, 420m, 0m), byKey[(city.Code, city.Target("K"))]);
        Assert.Equal(new RowDifference(city.Code, "测试市S03", city.Target("L"), "随迁子女公办学校就读比例", DifferenceKind.RatingChanged,
            ScorecardStatus.AmberGreen, ScorecardStatus.Green, 0.84m, 0.875m, 0.035m), byKey[(city.Code, city.Target("L"))]);
        Assert.Equal(DifferenceKind.ValueChanged, byKey[(city.Region("A"), city.Target("L"))].Kind);
        Assert.Equal(0.01m, byKey[(city.Region("A"), city.Target("L"))].Delta);
        var b = byKey[(city.Region("B"), city.Target("L"))];
        Assert.Equal((DifferenceKind.RatingChanged, ScorecardStatus.Red, ScorecardStatus.Green, 0.06m), (b.Kind, b.StatusBefore, b.StatusAfter, b.Delta));
        Assert.Equal(2, comparison.RatingChanges.Count);

        // A back-dated report compares with what came before its as-of date: nothing here.
        var backDated = await service.GenerateAsync(city.Code, new DateOnly(2023, 6, 15), "test-job", CancellationToken.None);
        Assert.Null(backDated.Snapshot.PreviousReportId);
        Assert.Equal(3, backDated.Snapshot.Number);
        Assert.Equal([second.Snapshot.Id, first.Snapshot.Id, backDated.Snapshot.Id], (await service.ListAsync(city.Code, CancellationToken.None)).Select(r => r.Id));

        var other = await City.HandWorkedAsync(fx, "S04");
        var foreign = await service.GenerateAsync(other.Code, July, "test-job", CancellationToken.None);
        Assert.Throws<ArgumentException>(() => ReportService.Compare(first.Snapshot, foreign.Snapshot));
    }
}
