using Xunit.Abstractions;

namespace Dashboard.Jobs.Tests;

/// <summary>
/// The jobs host SIGKILLed at an exact point of a pull (Pulls:PauseAt), then started again: the watermark
/// did not move, the re-run converges on the simulator's truth with no duplicate key, and the restarted
/// host's run sweeper records the killed run as Failed (abandoned). One class per point, so each starts from an empty database.
/// </summary>
public abstract class CrashTests(SimulatorFixture fx, ITestOutputHelper output)
{
    // The largest of the simulator's counties (2,000-odd rows at the default seed: several pages).
    private const string Source = "320585-edu";
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    protected abstract string PauseAt { get; }

    [Fact]
    public async Task A_pull_killed_at_this_point_leaves_the_watermark_and_the_rerun_converges_on_the_truth()
    {
        var source = fx.Source(Source);
        await using (var jobs = fx.StartJobs([source], runOnStart: true, pauseAt: PauseAt))
        {
            await jobs.WaitForLineAsync($"pause-at {PauseAt} {Source}", Bounded);
            await jobs.KillAsync();
        }

        Assert.Equal(0UL, await fx.ScalarAsync<ulong>("SELECT count() FROM source_watermarks WHERE source_id = @Source", new { Source }));
        var killed = Assert.Single(await fx.RunsAsync(Source));
        Assert.Equal("Running", killed.Status);
        var crashed = killed.Id;
        // The probe stopped the pull exactly where it says: nothing written, raw history only, or everything.
        var raw = await fx.ScalarAsync<ulong>("SELECT count() FROM observations_raw WHERE run_id = @crashed", new { crashed });
        var current = await fx.ScalarAsync<ulong>("SELECT count() FROM observations WHERE run_id = @crashed", new { crashed });
        var expected = PauseAt switch
        {
            "fetched" => raw == 0 && current == 0,
            "raw-written" => raw > 0 && current == 0,
            _ => raw > 0 && current == raw,
        };
        Assert.True(expected, $"at {PauseAt}: {raw} rows in observations_raw and {current} in observations for the killed run");

        // The restarted host sweeps at once: the killed run's owner (the killed process) is gone.
        await using (var jobs = fx.StartJobs([source], runOnStart: true,
            extra: new Dictionary<string, string> { ["Runs__AbandonAfter"] = "00:00:00", ["Runs__SweepEvery"] = "00:00:01" }))
        {
            var rerun = await fx.WaitForRunAsync(Source, "Succeeded", "Schedule", jobs, Bounded);
            Assert.NotEqual(crashed, rerun.Id);
            Assert.Equal(0UL, rerun.RowsRejected);
            for (var i = 0; i < 100 && (await fx.RunsAsync(Source)).Single(r => r.Id == crashed).Status == "Running"; i++) await Task.Delay(100);
        }

        var truth = await fx.TruthAsync(Source);
        Assert.NotEmpty(truth);
        Assert.Equal(truth, await fx.CurrentAsync(Source));
        Assert.Equal(0UL, await fx.DuplicateKeysAsync(Source));
        var swept = (await fx.RunsAsync(Source)).Single(r => r.Id == crashed);
        Assert.Equal("Failed", swept.Status);
        Assert.StartsWith("abandoned: the jobs process running it", swept.Error, StringComparison.Ordinal);
        Assert.Equal(1UL, await fx.ScalarAsync<ulong>("SELECT count() FROM source_watermarks FINAL WHERE source_id = @Source", new { Source }));
        output.WriteLine($"killed at {PauseAt} ({raw} raw rows of the killed run); re-run stored {truth.Count} keys");
    }
}

public sealed class CrashAtFetched(SimulatorFixture fx, ITestOutputHelper output) : CrashTests(fx, output), IClassFixture<SimulatorFixture>
{
    protected override string PauseAt => "fetched";
}

public sealed class CrashAtRawWritten(SimulatorFixture fx, ITestOutputHelper output) : CrashTests(fx, output), IClassFixture<SimulatorFixture>
{
    protected override string PauseAt => "raw-written";
}

public sealed class CrashAtStored(SimulatorFixture fx, ITestOutputHelper output) : CrashTests(fx, output), IClassFixture<SimulatorFixture>
{
    protected override string PauseAt => "stored";
}
