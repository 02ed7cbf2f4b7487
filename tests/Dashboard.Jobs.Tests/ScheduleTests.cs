namespace Dashboard.Jobs.Tests;

/// <summary>What the schedule does on its own: the circuit breaker after repeated failures, and drop folders.</summary>
public sealed class ScheduleTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task After_repeated_failures_the_circuit_opens_and_scheduled_runs_are_skipped_and_recorded()
    {
        // Nothing listens on port 1: every pull fails at once. One attempt per run, two failures open the circuit.
        const string source = "331024-down";
        await using var jobs = fx.StartJobs([new JobsSource(source, "331024", "http://127.0.0.1:1/331024-down", "t", "* * * * * ?")], runOnStart: false,
            extra: new Dictionary<string, string>
            {
                ["Feeds__MaxAttempts"] = "1",
                ["CircuitBreaker__FailuresToOpen"] = "2",
                ["CircuitBreaker__OpenFor"] = "00:10:00",
            });
        // Failed runs come first, so wait (bounded) for the first skipped one rather than for "a run".
        List<RunRow> runs = [];
        for (var i = 0; i < 80 && !runs.Any(r => r.Status == "Skipped"); i++)
        {
            await Task.Delay(500);
            runs = await fx.RunsAsync(source);
        }
        var skipped = runs.FirstOrDefault(r => r.Status == "Skipped");
        Assert.True(skipped is not null, "no run was skipped: " + string.Join(", ", runs.Select(r => r.Status)));
        Assert.Contains("circuit open", skipped.Error, StringComparison.Ordinal);
        Assert.Equal("Schedule", skipped.Trigger);
        // Exactly two failed runs opened it; everything after them was skipped, not attempted.
        Assert.Equal(2, runs.Count(r => r.Status == "Failed"));
        Assert.All(runs.Where(r => r.Status == "Failed"), r => Assert.Contains("connection failed", r.Error, StringComparison.Ordinal));
        Assert.DoesNotContain(runs, r => r.Status is "Succeeded" or "PartiallySucceeded");
    }

    [Fact]
    public async Task A_file_dropped_into_a_file_source_folder_is_loaded_and_moved_to_done()
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-drop-").FullName;
        try
        {
            var file = Path.Combine(folder, "报表.csv");
            await File.WriteAllTextAsync(file, """
                region,indicator,period,numerator,denominator,value,revision,updatedAt
                331024,PUBLIC_ABSORPTION,2025-09,900,1000,,1,2025-10-08T09:30:00+08:00
                331024,PUBLIC_ABSORPTION,2025-03,1200,1000,,1,2025-04-08T09:30:00+08:00
                """);
            // Only files left untouched for a few seconds are taken (a file being written must not load half).
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-1));
            await using var jobs = fx.StartJobs([], runOnStart: false, extra: new Dictionary<string, string>
            {
                ["Sources__Items__0__Id"] = "331024-files",
                ["Sources__Items__0__RegionCode"] = "331024",
                ["Sources__Items__0__Kind"] = "File",
                ["Sources__Items__0__DropFolder"] = folder,
                ["Sources__Items__0__Cron"] = "* * * * * ?",
            });
            var run = await fx.WaitForRunAsync("331024-files", "PartiallySucceeded", "DropFolder", jobs, TimeSpan.FromSeconds(40));
            Assert.Equal(1UL, run.RowsLoaded);
            Assert.Equal(1UL, run.RowsRejected);
            Assert.False(File.Exists(file));
            Assert.Single(Directory.GetFiles(Path.Combine(folder, "done"), $"{run.Id}-报表.csv"));
            Assert.Equal(1UL, await fx.ScalarAsync<ulong>("SELECT count() FROM rejections WHERE run_id = @id AND field = 'numerator'", new { id = run.Id }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
