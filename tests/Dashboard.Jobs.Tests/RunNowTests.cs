using Dashboard.Data.Catalogue;
using Dashboard.Data.Ingestion;

namespace Dashboard.Jobs.Tests;

/// <summary>A run-now request (as the api makes it) starts a Manual run of a source whose cron is not due.</summary>
public sealed class RunNowTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_run_request_starts_a_manual_run_of_the_source()
    {
        const string source = "320585-now";
        var keys = await FakeDistrictFeed.KeysAsync(new CatalogueStore(fx.Database), "320585");
        await using var feed = new FakeDistrictFeed(source, "now-token", keys, 1500);
        await using var jobs = fx.StartJobs([new JobsSource(source, "320585", feed.Url.AbsoluteUri, "now-token")], runOnStart: false,
            extra: new Dictionary<string, string> { ["RunRequests__PollSeconds"] = "1" });
        // Requests are picked up by a polling job: wait until the host runs before asking.
        await jobs.WaitForLineAsync("Application started", TimeSpan.FromSeconds(30));
        Assert.Empty(await fx.RunsAsync(source));

        await new IngestionStore(fx.Database).RequestRunAsync(source, "jobs-tests", CancellationToken.None);

        var run = await fx.WaitForRunAsync(source, "Succeeded", "Manual", jobs, TimeSpan.FromSeconds(30));
        Assert.Equal(1500UL, run.RowsLoaded);
        Assert.Equal(2, feed.Requests); // 1,500 rows at the default 1,000 a page
        Assert.DoesNotContain(await fx.RunsAsync(source), r => r.Trigger != "Manual");
    }
}
