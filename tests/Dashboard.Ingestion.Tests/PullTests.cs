using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Data.Ingestion;

namespace Dashboard.Ingestion.Tests;

[Collection(IngestionTests.Name)]
public sealed class PullTests(IngestionFixture fx)
{
    [Fact]
    public async Task A_full_pull_stores_the_simulator_truth_and_pulling_again_changes_nothing()
    {
        const string source = "320585-edu";
        var first = await fx.Pulls().PullAsync(fx.Source(source), RunTrigger.Manual, CancellationToken.None);
        var truth = await fx.TruthAsync(source);
        Assert.Equal(RunStatus.Succeeded, first.Status);
        Assert.Equal(0, first.RowsRejected);
        Assert.True(first.RowsReceived >= truth.Count, $"{first.RowsReceived} rows received for {truth.Count} keys");
        Assert.Equal(first.RowsReceived, first.RowsLoaded);
        Assert.NotNull(first.WatermarkTo);
        Assert.Equal(truth, await fx.CurrentAsync(source));

        // The same data again (a manual re-run from the watermark) leaves the current data identical.
        var second = await fx.Pulls().PullAsync(fx.Source(source), RunTrigger.Manual, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal(first.WatermarkTo, second.WatermarkFrom);
        Assert.True(second.RowsReceived < first.RowsReceived, "the second pull should only fetch rows at or after the watermark");
        Assert.Equal(truth, await fx.CurrentAsync(source));

        var stored = await new IngestionStore(fx.Database).GetRunAsync(first.Id, CancellationToken.None);
        Assert.Equal(first with { Error = stored!.Error }, stored);
    }

    [Fact]
    public async Task A_restated_revision_replaces_the_current_value_and_the_old_one_stays_in_history()
    {
        const string source = "320583-edu";
        var run = await fx.Pulls().PullAsync(fx.Source(source), RunTrigger.Schedule, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        var current = await fx.CurrentAsync(source);
        var restated = current.Where(kv => kv.Value.Revision == 2).Select(kv => kv.Key).ToList();
        Assert.NotEmpty(restated);
        foreach (var key in restated)
        {
            var revisions = await fx.ScalarAsync<ulong>(
                "SELECT uniqExact(revision) FROM observations_raw WHERE region_code = @r AND indicator_code = @i AND period = @p AND source_id = @s",
                new { r = key.Region, i = key.Indicator, p = key.Period, s = source });
            Assert.Equal(2UL, revisions);
        }
        Assert.Equal(await fx.TruthAsync(source), current);
    }

    [Fact]
    public async Task Every_invalid_row_kind_is_quarantined_with_a_reason_naming_its_field_and_the_rest_loads()
    {
        const string source = "331002-edu";
        using var admin = fx.Admin();
        var kinds = new[] { "wrongType", "missingField", "unknownRegion", "unknownIndicator", "negative", "numeratorAboveDenominator", "futurePeriod" };
        (await admin.PutAsJsonAsync($"/admin/faults/{source}", new { invalidRows = kinds })).EnsureSuccessStatusCode();
        try
        {
            var run = await fx.Pulls().PullAsync(fx.Source(source), RunTrigger.Manual, CancellationToken.None);
            Assert.Equal(RunStatus.PartiallySucceeded, run.Status);
            Assert.True(run.RowsRejected >= kinds.Length);
            Assert.Equal(run.RowsReceived, run.RowsLoaded + run.RowsRejected);
            await using var c = await fx.Database.OpenAsync(CancellationToken.None);
            var rejections = (await Dapper.SqlMapper.QueryAsync<(string Field, string Reason, string Row)>(c,
                "SELECT field, reason, row FROM rejections WHERE run_id = @id", new { id = run.Id })).ToList();
            Assert.Equal(run.RowsRejected, rejections.Count);
            Assert.All(rejections, r =>
            {
                Assert.Contains(r.Field, r.Reason, StringComparison.Ordinal);
                Assert.StartsWith("{", r.Row, StringComparison.Ordinal);
            });
            var fields = rejections.Select(r => r.Field).ToHashSet();
            foreach (var field in new[] { "numerator", "period", "region", "indicator" }) Assert.Contains(field, fields);
            Assert.Contains(rejections, r => r.Reason.Contains("不是已登记的地区代码", StringComparison.Ordinal));
            Assert.Contains(rejections, r => r.Reason.Contains("不是已登记的指标代码", StringComparison.Ordinal));
            Assert.Contains(rejections, r => r.Reason.Contains("不能为负数", StringComparison.Ordinal));
            Assert.Contains(rejections, r => r.Reason.Contains("大于 denominator", StringComparison.Ordinal));
            Assert.Contains(rejections, r => r.Reason.Contains("晚于拉取日期", StringComparison.Ordinal));
            Assert.Contains(rejections, r => r.Reason.Contains("缺少必填字段 period", StringComparison.Ordinal));
            Assert.Contains(rejections, r => r.Reason.Contains("应为数字", StringComparison.Ordinal));
            // Nothing valid was lost.
            Assert.Equal(await fx.TruthAsync(source), await fx.CurrentAsync(source));
        }
        finally
        {
            await admin.DeleteAsync(new Uri($"/admin/faults/{source}", UriKind.Relative));
        }
    }

    [Fact]
    public async Task Transient_faults_are_retried_within_bounds_and_nothing_is_lost()
    {
        const string source = "331003-edu";
        using var admin = fx.Admin();
        (await admin.PutAsJsonAsync($"/admin/faults/{source}", new { tooManyRequestsEvery = 5, serverErrorEvery = 7, resetEvery = 11, truncateEvery = 13 })).EnsureSuccessStatusCode();
        try
        {
            var options = new FeedReaderOptions { PageSize = 5, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(2) };
            var run = await fx.Pulls(options).PullAsync(fx.Source(source), RunTrigger.Manual, CancellationToken.None);
            Assert.True(run.Status == RunStatus.Succeeded, run.Error);
            Assert.True(run.Retries > 0, "the faults should have cost retries");
            Assert.Contains("HTTP 429", run.Error, StringComparison.Ordinal);
            Assert.Contains("HTTP 503", run.Error, StringComparison.Ordinal);
            Assert.Equal(await fx.TruthAsync(source), await fx.CurrentAsync(source));
        }
        finally
        {
            await admin.DeleteAsync(new Uri($"/admin/faults/{source}", UriKind.Relative));
        }
    }

    [Fact]
    public async Task A_fault_that_outlasts_the_retries_fails_the_run_without_moving_the_watermark_and_the_next_run_catches_up()
    {
        const string source = "321202-edu";
        using var admin = fx.Admin();
        (await admin.PutAsJsonAsync($"/admin/faults/{source}", new { serverErrorEvery = 1 })).EnsureSuccessStatusCode();
        var options = new FeedReaderOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10) };
        var failed = await fx.Pulls(options).PullAsync(fx.Source(source), RunTrigger.Schedule, CancellationToken.None);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("3 times", failed.Error, StringComparison.Ordinal);
        Assert.Null(failed.WatermarkTo);
        Assert.Null(await new IngestionStore(fx.Database).GetWatermarkAsync(source, CancellationToken.None));

        await admin.DeleteAsync(new Uri($"/admin/faults/{source}", UriKind.Relative));
        var next = await fx.Pulls(options).PullAsync(fx.Source(source), RunTrigger.Schedule, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, next.Status);
        Assert.Equal(await fx.TruthAsync(source), await fx.CurrentAsync(source));
    }

    [Fact]
    public async Task Duplicate_rows_and_repeated_pages_leave_one_current_row_per_key()
    {
        const string source = "331004-edu";
        using var admin = fx.Admin();
        (await admin.PutAsJsonAsync($"/admin/faults/{source}", new { duplicateRows = true, repeatPageEvery = 2 })).EnsureSuccessStatusCode();
        try
        {
            var options = new FeedReaderOptions { PageSize = 10, BaseDelay = TimeSpan.FromMilliseconds(10) };
            var run = await fx.Pulls(options).PullAsync(fx.Source(source), RunTrigger.Manual, CancellationToken.None);
            Assert.Equal(RunStatus.Succeeded, run.Status);
            var truth = await fx.TruthAsync(source);
            Assert.True(run.RowsReceived > truth.Count);
            Assert.Equal(truth, await fx.CurrentAsync(source));
        }
        finally
        {
            await admin.DeleteAsync(new Uri($"/admin/faults/{source}", UriKind.Relative));
        }
    }

    [Fact]
    public async Task A_wrong_secret_fails_at_once_and_loads_nothing()
    {
        const string source = "331023-edu";
        var run = await fx.Pulls().PullAsync(fx.Source(source, token: "wrong"), RunTrigger.Manual, CancellationToken.None);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("credentials", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, run.Retries);
        Assert.Empty(await fx.CurrentAsync(source));
    }
}

[Collection(IngestionTests.Name)]
public sealed class FileTests(IngestionFixture fx)
{
    private async Task<MemoryStream> DownloadAsync(string source, string path)
    {
        using var client = fx.Simulator.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Simulator.Token);
        var bytes = await client.GetByteArrayAsync(new Uri($"/{source}/v1/{path}", UriKind.Relative));
        return new MemoryStream(bytes);
    }

    private Task<(PullRun Run, IReadOnlyList<RowResult> Rows)> LoadAsync(string source, Stream file, string name, FileFeedOptions? options = null) =>
        fx.Pulls().LoadFileAsync(source, source.Split('-')[0], file, name, RunTrigger.Upload, options ?? new FileFeedOptions(), CancellationToken.None);

    [Theory]
    [InlineData("331081-edu", "observations.csv", "report.csv")]
    [InlineData("331082-edu", "observations.csv?encoding=gb18030&names=true", "report.csv")]
    [InlineData("331083-edu", "observations.xlsx?names=true", "report.xlsx")]
    public async Task A_file_in_each_encoding_and_format_loads_the_same_rows_as_the_feed(string source, string download, string name)
    {
        using var file = await DownloadAsync(source, download);
        var (run, rows) = await LoadAsync(source, file, name);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(name, run.FileName);
        Assert.All(rows, r => Assert.True(r.Loaded, r.Reason));
        Assert.Equal(await fx.TruthAsync(source), await fx.CurrentAsync(source));
    }

    [Fact]
    public async Task Invalid_rows_of_a_file_come_back_with_their_line_field_and_reason()
    {
        const string csv = """
            region,indicator,period,numerator,denominator,value,revision,updatedAt
            331024,PUBLIC_ABSORPTION,2025-09,900,1000,,1,2025-10-08T09:30:00+08:00
            331024,PUBLIC_ABSORPTION,2025-09,1200,1000,,1,2025-10-08T09:30:00+08:00
            331024,PUBLIC_ABSORPTION,2025-10,900,1000,,1,2025-10-08T09:30:00+08:00
            331024,NO_SUCH,2025-09,1,2,,1,2025-10-08T09:30:00+08:00
            331024,PUBLIC_ABSORPTION,2025-09,abc,1000,,1,2025-10-08T09:30:00+08:00
            331002,PUBLIC_ABSORPTION,2025-09,900,1000,,1,2025-10-08T09:30:00+08:00
            """;
        using var file = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv));
        var (run, rows) = await LoadAsync("331024-edu", file, "upload.csv");
        Assert.Equal(RunStatus.PartiallySucceeded, run.Status);
        Assert.Equal([2, 3, 4, 5, 6, 7], rows.Select(r => r.RowNumber));
        Assert.Equal([true, false, false, false, false, false], rows.Select(r => r.Loaded));
        Assert.Equal(["", "numerator", "period", "indicator", "numerator", "region"], rows.Select(r => r.Field));
        Assert.Contains("学期", rows[2].Reason, StringComparison.Ordinal);             // a term is reported as -03 or -09
        Assert.Contains("不属于本数据源", rows[5].Reason, StringComparison.Ordinal);     // another county's region
        Assert.Equal(5UL, await fx.ScalarAsync<ulong>("SELECT count() FROM rejections WHERE run_id = @id", new { id = run.Id }));
    }

    [Fact]
    public async Task A_file_with_a_wrong_header_is_refused_whole_and_loads_nothing()
    {
        using var file = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("地区,指标\n331024,PUBLIC_ABSORPTION\n"));
        var (run, rows) = await LoadAsync("331024-edu", file, "bad.csv");
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("表头", run.Error, StringComparison.Ordinal);
        Assert.Empty(rows);
        Assert.Equal(0, run.RowsReceived);
    }

    [Fact]
    public async Task A_zip_bomb_is_refused_before_it_is_unpacked()
    {
        using var file = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(file, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = zip.CreateEntry("xl/worksheets/sheet1.xml", System.IO.Compression.CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++) await entry.WriteAsync(zeros);
        }
        file.Position = 0;
        var (run, rows) = await LoadAsync("331024-edu", file, "bomb.xlsx");
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("压缩", run.Error, StringComparison.Ordinal);
        Assert.Empty(rows);
    }

    [Fact]
    public async Task Files_over_the_row_or_size_limit_are_refused_whole()
    {
        var csv = "region,indicator,period,numerator,denominator,value,revision,updatedAt\n"
            + string.Concat(Enumerable.Repeat("331024,PUBLIC_ABSORPTION,2025-09,900,1000,,1,2025-10-08T09:30:00+08:00\n", 11));
        using var file = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv));
        var (rowsRun, _) = await LoadAsync("331024-edu", file, "many.csv", new FileFeedOptions { MaxRows = 10 });
        Assert.Equal(RunStatus.Failed, rowsRun.Status);
        Assert.Contains("超过上限", rowsRun.Error, StringComparison.Ordinal);
        file.Position = 0;
        var (sizeRun, _) = await LoadAsync("331024-edu", file, "big.csv", new FileFeedOptions { MaxBytes = 100 });
        Assert.Equal(RunStatus.Failed, sizeRun.Status);
        Assert.Equal(0, sizeRun.RowsLoaded);
    }
}
