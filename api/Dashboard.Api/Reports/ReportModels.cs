using Dashboard.Reports;
using Dashboard.Reports.Render;
using Dashboard.Reports.Snapshot;
using Dashboard.Reports.Storage;

namespace Dashboard.Api.Reports;

/// <summary>Generate a bulletin now.</summary>
/// <param name="City" example="331000">The city (issuing region) to report on; it must lie inside your jurisdiction.</param>
/// <param name="AsOf" example="2026-10-31">The as-of date of the scorecard (yyyy-MM-dd, not in the future, China time).</param>
public sealed record GenerateReportInput(string? City, string? AsOf);

/// <summary>A bulletin in a list.</summary>
/// <param name="Id" example="331000-2026-011">The report id: city, year, number.</param>
/// <param name="CityCode" example="331000">The city.</param>
/// <param name="AsOf" example="2026-10-31">The as-of date.</param>
/// <param name="NumberLabel" example="〔2026〕第11期">The number as printed.</param>
/// <param name="PeriodLabel" example="截至2026年10月31日">The period as printed.</param>
/// <param name="GeneratedAt" example="2026-11-01T06:00:03Z">When it was generated (UTC).</param>
/// <param name="GeneratedBy" example="report-job">Who or what generated it (an account name or report-job).</param>
/// <param name="DataVersion" example="2026-10-30T22:15:00Z">Latest load time of the data it rests on (UTC).</param>
/// <param name="PreviousReportId" example="331000-2026-010">The report it measures changes against.</param>
/// <param name="ContentHash" example="9f2c0d4e8b7a61f35c2e9d0a4b1c7e6f8a3d5b2c9e0f1a4d7b6c3e8f2a1d0c9b">SHA-256 of the frozen snapshot.</param>
public sealed record ReportListItem(string Id, string CityCode, string AsOf, string NumberLabel, string PeriodLabel, DateTime GeneratedAt,
    string GeneratedBy, DateTime? DataVersion, string? PreviousReportId, string ContentHash)
{
    internal static ReportListItem Of(ReportSummary s) => new(s.Id, s.CityCode, s.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        $"〔{s.Year}〕第{s.Number}期", s.PeriodLabel, s.GeneratedAt, s.GeneratedBy, s.DataVersion, s.PreviousReportId, s.ContentHash);
}

/// <summary>A downloadable rendering of a bulletin.</summary>
/// <param name="Format" example="docx">docx, xlsx or html.</param>
/// <param name="FileName" example="督导通报2026第11期-台州市.docx">The download name.</param>
/// <param name="Url" example="/api/reports/331000-2026-011/files/docx">Where to download it (audited).</param>
public sealed record ReportFileLink(string Format, string FileName, string Url);

/// <summary>The numbers of a bulletin at a glance.</summary>
/// <param name="Overview" example="截至2026年10月31日，台州市纳入督导的12项目标中，正常推进或基本正常8项，进度滞后或严重滞后3项，已到期达标1项，到期未达标0项。共有4个地区的6项目标进度滞后或未达标，问题较突出的是仙居县、温岭市、天台县。">The 一、总体情况 paragraph as printed.</param>
/// <param name="Targets" example="12">Rows of the targets table (the city's own targets).</param>
/// <param name="ByStatus" example="{&quot;Green&quot;:6,&quot;AmberGreen&quot;:2,&quot;AmberRed&quot;:2,&quot;Red&quot;:1,&quot;Met&quot;:1}">Targets table rows per rating.</param>
/// <param name="Rows" example="96">Every region × target row frozen in the snapshot.</param>
/// <param name="Lagging" example="6">Region × target pairs lagging (Missed, Red, AmberRed).</param>
/// <param name="LaggingRegions" example="4">Regions with at least one lagging target.</param>
/// <param name="WorstRegions" example="[&quot;仙居县&quot;,&quot;温岭市&quot;,&quot;天台县&quot;]">The first three distinct regions of the lagging ranking.</param>
/// <param name="RatingChanges" example="3">Rows whose rating moved since the previous report.</param>
/// <param name="Restated" example="1">Rows whose previous figure a district has restated since.</param>
/// <param name="RectificationDue" example="2026-12-01">When lagging regions report their rectification.</param>
public sealed record ReportSummaryView(string Overview, int Targets, IReadOnlyDictionary<string, int> ByStatus, int Rows, int Lagging, int LaggingRegions,
    IReadOnlyList<string> WorstRegions, int RatingChanges, int Restated, string RectificationDue)
{
    internal static ReportSummaryView Of(ReportSnapshot s)
    {
        var lagging = s.LaggingRows;
        return new(ReportText.Summary(s), s.TargetRows.Count,
            s.TargetRows.GroupBy(r => r.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => g.Count(), StringComparer.Ordinal),
            s.Rows.Count, lagging.Count, lagging.Select(r => r.RegionCode).Distinct(StringComparer.Ordinal).Count(),
            lagging.Select(r => r.RegionName).Distinct(StringComparer.Ordinal).Take(3).ToList(),
            s.Rows.Count(r => r.Change is { } c && c.StatusChanged(r.Status)), s.Rows.Count(r => r.Change?.Restated == true),
            s.RectificationDue.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>A bulletin's metadata and summary.</summary>
/// <param name="Id" example="331000-2026-011">The report id.</param>
/// <param name="CityCode" example="331000">The city.</param>
/// <param name="CityName" example="台州市">Its name.</param>
/// <param name="Title" example="关于台州市教育督导目标推进情况的通报">The title as printed.</param>
/// <param name="IssuingOffice" example="台州市教育督导联席会议办公室">The issuing office.</param>
/// <param name="AsOf" example="2026-10-31">The as-of date.</param>
/// <param name="ReportDate" example="2026-11-01">The date printed on it (China time).</param>
/// <param name="NumberLabel" example="〔2026〕第11期">The number as printed.</param>
/// <param name="PeriodLabel" example="截至2026年10月31日">The period as printed.</param>
/// <param name="GeneratedAt" example="2026-11-01T06:00:03Z">When it was generated (UTC).</param>
/// <param name="GeneratedBy" example="report-job">Who or what generated it.</param>
/// <param name="DataVersion" example="2026-10-30T22:15:00Z">Latest load time of the data it rests on (UTC).</param>
/// <param name="PreviousReportId" example="331000-2026-010">The report it measures changes against.</param>
/// <param name="ContentHash" example="9f2c0d4e8b7a61f35c2e9d0a4b1c7e6f8a3d5b2c9e0f1a4d7b6c3e8f2a1d0c9b">SHA-256 of the frozen snapshot.</param>
/// <param name="Summary">The numbers at a glance.</param>
/// <param name="Files">Its three renderings.</param>
public sealed record ReportDetail(string Id, string CityCode, string CityName, string Title, string IssuingOffice, string AsOf, string ReportDate,
    string NumberLabel, string PeriodLabel, DateTime GeneratedAt, string GeneratedBy, DateTime? DataVersion, string? PreviousReportId, string ContentHash,
    ReportSummaryView Summary, IReadOnlyList<ReportFileLink> Files)
{
    internal static ReportDetail Of(ReportSnapshot s) => new(s.Id, s.CityCode, s.CityName, ReportText.Title(s), s.IssuingOffice,
        Day(s.AsOf), Day(s.ReportDate), s.NumberLabel, s.PeriodLabel, s.GeneratedAt, s.GeneratedBy, s.DataVersion, s.PreviousReportId, s.ContentHash,
        ReportSummaryView.Of(s),
        Enum.GetValues<ReportFormat>().Select(f => Link(s.Id, f, ReportService.FileName(s, f))).ToList());

    internal static ReportDetail Of(GeneratedReport r) => Of(r.Snapshot) with
    {
        Files = r.Files.Select(f => Link(r.Snapshot.Id, f.Format, f.FileName)).ToList(),
    };

    private static ReportFileLink Link(string id, ReportFormat format, string fileName)
    {
        var name = format.ToString().ToLowerInvariant();
        return new(name, fileName, $"/api/reports/{Uri.EscapeDataString(id)}/files/{name}");
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One side of a comparison.</summary>
/// <param name="Id" example="331000-2026-010">The report id.</param>
/// <param name="AsOf" example="2026-09-30">Its as-of date.</param>
/// <param name="NumberLabel" example="〔2026〕第10期">Its number as printed.</param>
public sealed record ReportSide(string Id, string AsOf, string NumberLabel);

/// <summary>One region × target that differs between the two reports.</summary>
/// <param name="RegionCode" example="331024">The region.</param>
/// <param name="RegionName" example="仙居县">Its name.</param>
/// <param name="TargetId" example="TZ-PUBLIC-ABSORPTION-2025">The target.</param>
/// <param name="IndicatorName" example="公办幼儿园在园幼儿占比">The indicator.</param>
/// <param name="Kind" example="RatingChanged">ValueChanged, RatingChanged, Added or Removed.</param>
/// <param name="StatusBefore" example="AmberGreen">Rating in the earlier report.</param>
/// <param name="StatusAfter" example="AmberRed">Rating in the later report.</param>
/// <param name="ActualBefore" example="0.8497">Actual value in the earlier report (ratios as fractions).</param>
/// <param name="ActualAfter" example="0.8312">Actual value in the later report.</param>
/// <param name="Delta" example="-0.0185">After − before, when both have a value.</param>
public sealed record ReportDifference(string RegionCode, string RegionName, string TargetId, string IndicatorName, string Kind,
    string? StatusBefore, string? StatusAfter, decimal? ActualBefore, decimal? ActualAfter, decimal? Delta);

/// <summary>What changed in ratings and values between two reports of a city (earlier first, whichever order they were asked in).</summary>
/// <param name="Earlier">The report with the earlier as-of date.</param>
/// <param name="Later">The other one.</param>
/// <param name="RatingChanged" example="3">Rows whose rating changed.</param>
/// <param name="ValueChanged" example="41">Rows with the same rating and another value.</param>
/// <param name="Added" example="2">Rows only in the later report.</param>
/// <param name="Removed" example="0">Rows only in the earlier report.</param>
/// <param name="Unchanged" example="50">Rows the same in both (not listed).</param>
/// <param name="Changes">Every row that differs, rating changes first, then by region code and target id.</param>
public sealed record ReportComparisonView(ReportSide Earlier, ReportSide Later, int RatingChanged, int ValueChanged, int Added, int Removed, int Unchanged,
    IReadOnlyList<ReportDifference> Changes)
{
    internal static ReportComparisonView Of(ReportComparison c)
    {
        int Count(DifferenceKind k) => c.Rows.Count(r => r.Kind == k);
        static ReportSide Side(ReportSummaryLine l) => new(l.Id, l.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), l.NumberLabel);
        return new(Side(c.Earlier), Side(c.Later), Count(DifferenceKind.RatingChanged), Count(DifferenceKind.ValueChanged), Count(DifferenceKind.Added),
            Count(DifferenceKind.Removed), Count(DifferenceKind.Unchanged),
            c.Rows.Where(r => r.Kind != DifferenceKind.Unchanged)
                .OrderBy(r => r.Kind == DifferenceKind.RatingChanged ? 0 : 1)
                .ThenBy(r => r.RegionCode, StringComparer.Ordinal).ThenBy(r => r.TargetId, StringComparer.Ordinal)
                .Select(r => new ReportDifference(r.RegionCode, r.RegionName, r.TargetId, r.IndicatorName, r.Kind.ToString(), r.StatusBefore?.ToString(),
                    r.StatusAfter?.ToString(), r.ActualBefore, r.ActualAfter, r.Delta))
                .ToList());
    }
}

/// <summary>A notice in the app, as the caller sees it.</summary>
/// <param name="Id" example="5b0e3f2a9c8d4e7fa1b2c3d4e5f60718">The notice id.</param>
/// <param name="Kind" example="ReportGenerated">What it is about.</param>
/// <param name="Title" example="新督导通报已生成：台州市〔2026〕第11期（截至2026年10月31日）">One line.</param>
/// <param name="Body" example="截至2026年10月31日，台州市纳入督导的12项目标中，正常推进或基本正常8项……">The details.</param>
/// <param name="RegionCode" example="331000">The region it concerns.</param>
/// <param name="ReportId" example="331000-2026-011">The report it announces.</param>
/// <param name="Url" example="/api/reports/331000-2026-011">Where the report is.</param>
/// <param name="CreatedAt" example="2026-11-01T06:00:03Z">When (UTC).</param>
/// <param name="ReadAt" example="null">When you marked it read (UTC); null while unread.</param>
public sealed record NotificationView(string Id, string Kind, string Title, string Body, string RegionCode, string? ReportId, string? Url,
    DateTime CreatedAt, DateTime? ReadAt)
{
    internal static NotificationView Of(Dashboard.Reports.Delivery.UserNotification n) => new(n.Notification.Id, n.Notification.Kind, n.Notification.Title,
        n.Notification.Body, n.Notification.RegionCode, n.Notification.ReportId,
        n.Notification.ReportId is { } id ? "/api/reports/" + Uri.EscapeDataString(id) : null, n.Notification.CreatedAt, n.ReadAt);
}
