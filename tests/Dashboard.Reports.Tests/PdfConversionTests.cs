using System.Diagnostics;
using Dashboard.Data.Catalogue;
using Dashboard.Reports.Storage;

namespace Dashboard.Reports.Tests;

/// <summary>
/// The DOCX opens in another word processor: LibreOffice converts it to PDF, poppler reads the text back
/// and renders page 1. Set DASHBOARD_REPORT_SAMPLE_PNG to a path to keep that page (docs/images/bulletin-sample.png).
/// </summary>
[Collection(ReportTests.Name)]
public sealed class PdfConversionTests(ReportsFixture fx)
{
    [Fact]
    public async Task LibreOffice_converts_the_bulletin_to_a_pdf_with_the_chinese_text()
    {
        var soffice = Tool("soffice");
        var pdftotext = Tool("pdftotext");
        var pdftoppm = Tool("pdftoppm");

        var report = await DemoAsync();
        var dir = Directory.CreateTempSubdirectory("bulletin").FullName;
        try
        {
            var docx = Path.Combine(dir, "bulletin.docx");
            await File.WriteAllBytesAsync(docx, report.Files.Single(f => f.Format == ReportFormat.Docx).Content);
            // A profile of its own, so a LibreOffice the user has open (or a parallel test run) cannot interfere.
            await RunAsync(soffice, $"-env:UserInstallation=file://{dir}/profile", "--headless", "--convert-to", "pdf", "--outdir", dir, docx);
            var pdf = Path.Combine(dir, "bulletin.pdf");
            Assert.True(File.Exists(pdf), "LibreOffice wrote no PDF");

            var text = await RunAsync(pdftotext, "-layout", pdf, "-");
            var flat = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
            Assert.Contains("督导通报", flat, StringComparison.Ordinal);
            Assert.Contains("〔2026〕第1期", flat, StringComparison.Ordinal);
            Assert.Contains("关于昆山市教育督导目标推进情况的通报", flat, StringComparison.Ordinal);
            Assert.Contains("严重滞后", flat, StringComparison.Ordinal);
            Assert.Contains("花桥镇", flat, StringComparison.Ordinal);

            await RunAsync(pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, Path.Combine(dir, "page"));
            var png = Path.Combine(dir, "page.png");
            Assert.True(new FileInfo(png).Length > 10_000, "page 1 rendered to an almost empty PNG");
            if (Environment.GetEnvironmentVariable("DASHBOARD_REPORT_SAMPLE_PNG") is { Length: > 0 } keep) File.Copy(png, keep, overwrite: true);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Tool(string name) =>
        new[] { "/usr/bin", "/usr/local/bin", "/bin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            $"{name} is not installed. Run scripts/prerequisites.sh (it installs libreoffice-writer-nogui, poppler-utils and fonts-noto-cjk).");

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>A 昆山-like city with real town names and indicators from the seeded catalogue, monthly data for Jan–Mar 2026.</summary>
    private async Task<GeneratedReport> DemoAsync()
    {
        var ks = new City(fx, "320583", "昆山市");
        await ks.RegionsAsync(("100", "玉山镇"), ("101", "巴城镇"), ("102", "周市镇"), ("103", "陆家镇"), ("104", "花桥镇"), ("106", "张浦镇"));
        await ks.IndicatorAsync("ABS", "随迁子女在公办学校就读比例", "%", IndicatorKind.Ratio);
        await ks.IndicatorAsync("KGP", "公办幼儿园在园幼儿占比", "%", IndicatorKind.Ratio);
        await ks.IndicatorAsync("KGI", "普惠性幼儿园覆盖率", "%", IndicatorKind.Ratio);
        await ks.IndicatorAsync("NSP", "新增学位数", "个", IndicatorKind.Count);
        await ks.IndicatorAsync("BIG", "56人以上大班额数", "个", IndicatorKind.Count, Direction.LowerIsBetter);
        string[] units = ["市教育局", "市发展改革委", "市财政局", "各区镇"];
        await ks.TargetAsync("2026-ABS", "ABS", TargetKind.Level, Comparator.Ge, 0.92m, "2025-01-01", "2026-12-31", "2025-01", units);
        await ks.TargetAsync("2026-KGP", "KGP", TargetKind.Maintain, Comparator.Ge, 0.75m, "2025-01-01", "2027-12-31", null, ["市教育局", "各区镇"]);
        await ks.TargetAsync("2026-KGI", "KGI", TargetKind.Level, Comparator.Ge, 0.95m, "2025-01-01", "2026-12-31", "2025-01", ["市教育局"]);
        await ks.TargetAsync("2026-NSP", "NSP", TargetKind.Cumulative, Comparator.Ge, 12800m, "2026-01-01", "2026-12-31", null, ["市教育局", "市自然资源和规划局", "各区镇"]);
        await ks.TargetAsync("2026-BIG", "BIG", TargetKind.Ceiling, Comparator.Le, 0m, "2025-01-01", "2026-12-31", null, ["市教育局", "各区镇"]);
        var towns = new (string Code, decimal Abs, decimal Kgp, decimal Kgi, decimal Places, decimal Big)[]
        {
            ("100", 0.93m, 0.82m, 0.96m, 420, 0), ("101", 0.86m, 0.71m, 0.93m, 160, 2), ("102", 0.90m, 0.78m, 0.95m, 260, 0),
            ("103", 0.84m, 0.77m, 0.90m, 120, 1), ("104", 0.80m, 0.73m, 0.92m, 200, 3), ("106", 0.91m, 0.79m, 0.97m, 190, 0),
        };
        foreach (var t in towns)
        {
            var region = ks.Region(t.Code);
            await ks.RatioAsync(region, "ABS", "2025-01", 840, 1000, loadedAt: "2026-04-02 01:00:00");
            await ks.RatioAsync(region, "KGI", "2025-01", 880, 1000, loadedAt: "2026-04-02 01:00:00");
            foreach (var month in new[] { "2026-01", "2026-02", "2026-03" })
            {
                await ks.RatioAsync(region, "ABS", month, t.Abs * 1000, 1000, loadedAt: "2026-04-02 01:00:00");
                await ks.RatioAsync(region, "KGP", month, t.Kgp * 500, 500, loadedAt: "2026-04-02 01:00:00");
                await ks.RatioAsync(region, "KGI", month, t.Kgi * 500, 500, loadedAt: "2026-04-02 01:00:00");
                await ks.ValueAsync(region, "NSP", month, t.Places, loadedAt: "2026-04-02 01:00:00");
                await ks.ValueAsync(region, "BIG", month, t.Big, loadedAt: "2026-04-02 01:00:00");
            }
        }
        return await fx.Service("2026-04-03T01:00:00Z").GenerateAsync(ks.Code, new DateOnly(2026, 4, 1), "report-job", CancellationToken.None);
    }
}
