using System.Globalization;
using Dapper;

namespace Dashboard.Jobs.Tests;

/// <summary>The jobs host's daily retention job, fired every few seconds here, in a real process.</summary>
public sealed class RetentionTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    private static string Month(DateTime t) => t.ToString("yyyyMM", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Audit_months_older_than_180_days_and_old_scorecard_results_are_dropped_younger_ones_kept()
    {
        var now = DateTime.UtcNow;
        var old = now.AddDays(-400);
        var recent = now.AddDays(-30);
        await using (var c = await fx.Database.OpenAsync(CancellationToken.None))
        {
            foreach (var (time, id) in new[] { (old, "old"), (recent, "recent") })
                await c.ExecuteAsync("""
                    INSERT INTO audit_log (time, event_id, user, address, action, object, result, detail)
                    VALUES (@time, @id, 'tester', 'local', 'SignIn', 'tester', 'Success', 'retention test')
                    """, new { time = DateTime.SpecifyKind(time, DateTimeKind.Utc), id });
            foreach (var (time, id) in new[] { (now.AddDays(-10), "a0000000000000000000000000000001"), (now, "a0000000000000000000000000000002") })
                await c.ExecuteAsync("INSERT INTO scorecard_results (snapshot_id, created_at) VALUES (@id, @time)",
                    new { id, time = DateTime.SpecifyKind(time, DateTimeKind.Utc) });
        }

        await using var jobs = fx.StartJobs([], runOnStart: false, extra: new Dictionary<string, string> { ["Retention__Cron"] = "0/2 * * * * ?" });
        for (var i = 0; i < 120 && await CountAsync("audit_log", "event_id = 'old'") > 0; i++)
        {
            if (jobs.HasExited) Assert.Fail($"The jobs host exited ({jobs.ExitCode}):\n{jobs.Output}");
            await Task.Delay(500);
        }
        Assert.True(await CountAsync("audit_log", "event_id = 'old'") == 0, "the old audit month was not dropped:\n" + jobs.Output);
        Assert.Equal(1UL, await CountAsync("audit_log", "event_id = 'recent'"));
        // The drop is itself audited, naming the month.
        var detail = await fx.ScalarAsync<string>("SELECT detail FROM audit_log WHERE action = 'AuditRetention' AND user = 'retention-job' LIMIT 1");
        Assert.Contains(Month(old), detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Month(recent), detail, StringComparison.Ordinal);
        Assert.Contains("retention 180 days", detail, StringComparison.Ordinal);
        // Scorecard results are caches kept 2 days by default: the 10-day-old snapshot goes, today's stays.
        Assert.Equal(0UL, await CountAsync("scorecard_results", "snapshot_id = 'a0000000000000000000000000000001'"));
        Assert.Equal(1UL, await CountAsync("scorecard_results", "snapshot_id = 'a0000000000000000000000000000002'"));
    }

    [Theory]
    [InlineData("90")]
    [InlineData("179")]
    public async Task A_retention_under_180_days_stops_the_host_at_start(string days)
    {
        await using var jobs = fx.StartJobs([], runOnStart: false, extra: new Dictionary<string, string> { ["Security__AuditRetentionDays"] = days });
        for (var i = 0; i < 60 && !jobs.HasExited; i++) await Task.Delay(500);
        Assert.True(jobs.HasExited, "the host kept running:\n" + jobs.Output);
        Assert.NotEqual(0, jobs.ExitCode);
        Assert.Contains($"Security:AuditRetentionDays is {days}", jobs.Output, StringComparison.Ordinal);
    }

    private Task<ulong> CountAsync(string table, string where) =>
        fx.ScalarAsync<ulong>($"SELECT count() FROM {table} WHERE {where}");
}
