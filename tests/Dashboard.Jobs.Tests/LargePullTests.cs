using Dashboard.Data.Catalogue;
using Xunit.Abstractions;

namespace Dashboard.Jobs.Tests;

/// <summary>A 200,000-row source pulled by the real jobs host: every row loads and the process's memory stays bounded.</summary>
public sealed class LargePullTests(DatabaseFixture fx, ITestOutputHelper output) : IClassFixture<DatabaseFixture>
{
    private const int Rows = 200_000;

    // Peak RSS of the whole jobs process (runtime, ASP.NET Core, Quartz, server GC and the pull): measured
    // at 122–129 MiB on the 2-core dev VMs. The margin is for server GC on machines with more cores; a pull
    // that held its 200,000 rows at once (raw JSON text, cloned JSON, parsed fields, observations: roughly
    // 1.5 KB a row) would need some 300 MiB more than it does.
    private const long PeakRssBoundMib = 400;

    [Fact]
    public async Task A_200k_row_pull_loads_every_row_with_bounded_memory()
    {
        const string source = "320585-big";
        var keys = await FakeDistrictFeed.KeysAsync(new CatalogueStore(fx.Database), "320585");
        await using var feed = new FakeDistrictFeed(source, "big-token", keys, Rows);
        RunRow run;
        long peakKib;
        await using (var jobs = fx.StartJobs([new JobsSource(source, "320585", feed.Url.AbsoluteUri, "big-token")], runOnStart: true))
        {
            run = await fx.WaitForRunAsync(source, "Succeeded", "Schedule", jobs, TimeSpan.FromSeconds(120));
            peakKib = jobs.PeakRssKib();
        }

        var peakMib = peakKib / 1024.0;
        output.WriteLine($"200,000-row pull: {feed.Requests} pages, jobs process peak RSS (VmHWM) {peakMib:F1} MiB, {keys.Count} keys");
        Assert.Equal((ulong)Rows, run.RowsLoaded);
        Assert.Equal(0UL, run.RowsRejected);
        Assert.Equal((ulong)Rows, await fx.ScalarAsync<ulong>("SELECT count() FROM observations_raw WHERE run_id = @Id", new { run.Id }));
        Assert.True(peakMib < PeakRssBoundMib, $"the jobs process peaked at {peakMib:F1} MiB (bound {PeakRssBoundMib} MiB)");
    }
}
