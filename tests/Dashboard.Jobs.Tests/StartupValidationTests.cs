using Dashboard.ClickHouse.Ado;
using Dashboard.Testing;

namespace Dashboard.Jobs.Tests;

/// <summary>A bad source entry stops the jobs host at start with a message naming the entry and the field.</summary>
public sealed class StartupValidationTests
{
    // The host stops before it touches ClickHouse: a database that was never created is enough.
    private static string NeverCreated => ClickHouseConnection.WithDatabase(TestDatabase.Server, "jobs_never_created");

    public static TheoryData<string, JobsSource, string> BadSources => new()
    {
        // Six fields, so only Quartz's own parser can tell it is wrong.
        { "invalid cron", new JobsSource("320583-edu", "320583", "http://127.0.0.1:9/320583-edu", "t", "0 0 25 * * ?"), "Cron" },
        { "cron of the wrong shape", new JobsSource("320583-edu", "320583", "http://127.0.0.1:9/320583-edu", "t", "every day"), "Cron" },
        { "missing Url", new JobsSource("320583-edu", "320583", null, "t"), "Url" },
    };

    [Theory]
    [MemberData(nameof(BadSources))]
    public async Task The_jobs_host_exits_at_start_naming_the_entry_and_field(string _, JobsSource bad, string field)
    {
        // Entry 0 is fine: the message must name entry 1.
        var good = new JobsSource("320585-edu", "320585", "http://127.0.0.1:9/320585-edu", "t");
        await using var jobs = JobsHost.Start(NeverCreated, [good, bad], runOnStart: false);
        await jobs.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, jobs.ExitCode);
        var message = jobs.Output.Split('\n').FirstOrDefault(l => l.Contains("Sources:Items:1", StringComparison.Ordinal));
        Assert.True(message is not null, "no line names Sources:Items:1:\n" + jobs.Output);
        Assert.Contains(field, message, StringComparison.Ordinal);
        Assert.DoesNotContain("Sources:Items:0", jobs.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_pause_point_stops_the_jobs_host_naming_the_setting()
    {
        await using var jobs = JobsHost.Start(NeverCreated, [new JobsSource("320585-edu", "320585", "http://127.0.0.1:9/320585-edu", "t")],
            runOnStart: false, pauseAt: "halfway");
        await jobs.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, jobs.ExitCode);
        Assert.Contains("Pulls:PauseAt 'halfway' must be fetched, raw-written or stored", jobs.Output, StringComparison.Ordinal);
    }
}
