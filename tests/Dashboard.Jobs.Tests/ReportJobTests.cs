using Dapper;

namespace Dashboard.Jobs.Tests;

/// <summary>The jobs host's report job, run by its schedule in a real process against the seeded catalogue.</summary>
public sealed class ReportJobTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static DateOnly ChinaToday() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, China).DateTime);

    [Fact]
    public async Task The_scheduled_job_generates_announces_and_numbers_the_citys_reports()
    {
        var before = ChinaToday();
        // Every 3 seconds instead of monthly, for two cities; no mail server configured.
        await using var jobs = fx.StartJobs([], runOnStart: false, extra: new Dictionary<string, string>
        {
            ["Reports__Cities__0"] = "331000",
            ["Reports__Cities__1"] = "320583",
            ["Reports__Cron"] = "0/3 * * * * ?",
        });
        List<(string Id, string City, DateTime AsOf, string By)> reports = [];
        for (var i = 0; i < 120 && !(reports.Count(r => r.City == "331000") >= 2 && reports.Any(r => r.City == "320583")); i++)
        {
            if (jobs.HasExited) Assert.Fail($"The jobs host exited ({jobs.ExitCode}):\n{jobs.Output}");
            await Task.Delay(500);
            await using var c = await fx.Database.OpenAsync(CancellationToken.None);
            reports = (await c.QueryAsync<(string, string, DateTime, string)>(
                "SELECT id, city_code, as_of, generated_by FROM reports ORDER BY city_code, number")).ToList();
        }
        var taizhou = reports.Where(r => r.City == "331000").ToList();
        Assert.True(taizhou.Count >= 2, $"{taizhou.Count} reports of 331000:\n{jobs.Output}");
        Assert.Contains(reports, r => r.City == "320583");
        Assert.All(reports, r => Assert.Equal("report-job", r.By));
        // A run reports as of the day before its scheduled time (China time).
        Assert.All(reports, r => Assert.InRange(DateOnly.FromDateTime(r.AsOf), before.AddDays(-1), ChinaToday().AddDays(-1)));
        // One job per city at a time: numbers are consecutive and never repeat.
        var year = taizhou[0].Id.Split('-')[1];
        Assert.Equal(Enumerable.Range(1, taizhou.Count).Select(n => $"331000-{year}-{n:000}"), taizhou.Select(r => r.Id));

        var notices = await fx.ScalarAsync<ulong>(
            "SELECT count() FROM notifications WHERE role = 'ReportOffice' AND region_code = '331000' AND report_id = @id AND title LIKE '新督导通报已生成%'",
            new { id = taizhou[0].Id });
        Assert.Equal(1UL, notices);
        Assert.Equal(3UL, await fx.ScalarAsync<ulong>("SELECT count() FROM report_files WHERE report_id = @id", new { id = taizhou[0].Id }));
        Assert.Contains("mail not configured", jobs.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_report_cron_stops_the_host_at_start_with_the_reason()
    {
        await using var jobs = fx.StartJobs([], runOnStart: false, extra: new Dictionary<string, string>
        {
            ["Reports__Cities__0"] = "331000",
            ["Reports__Cron"] = "every month",
        });
        for (var i = 0; i < 60 && !jobs.HasExited; i++) await Task.Delay(500);
        Assert.True(jobs.HasExited, "the host kept running:\n" + jobs.Output);
        Assert.NotEqual(0, jobs.ExitCode);
        Assert.Contains("Reports:Cron", jobs.Output, StringComparison.Ordinal);
    }
}
