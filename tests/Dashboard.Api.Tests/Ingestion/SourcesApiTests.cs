using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using static Dashboard.Api.Tests.Ingestion.IngestionApiFixture;

namespace Dashboard.Api.Tests.Ingestion;

public sealed class SourcesApiTests(IngestionApiFixture fx) : IClassFixture<IngestionApiFixture>
{
    [Fact]
    public async Task The_listing_shows_both_sources_without_any_secret()
    {
        var answer = await fx.GetAsync("/api/sources");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.DoesNotContain(Secret, answer.Raw, StringComparison.Ordinal);
        var sources = answer.Json.EnumerateArray().Select(e => e.GetProperty("source")).ToList();
        Assert.Equal([HttpSource, FileSource], sources.Select(s => s.GetProperty("id").GetString()));
        var http = sources[0];
        Assert.Equal("331024", http.GetProperty("regionCode").GetString());
        Assert.Equal("Http", http.GetProperty("kind").GetString());
        Assert.Equal("http://127.0.0.1:1/331024-edu", http.GetProperty("url").GetString());
        Assert.True(http.GetProperty("hasSecret").GetBoolean());
        Assert.False(http.TryGetProperty("secret", out _));
        var file = sources[1];
        Assert.Equal("File", file.GetProperty("kind").GetString());
        Assert.Equal(fx.DropFolder, file.GetProperty("dropFolder").GetString());
        Assert.False(file.GetProperty("hasSecret").GetBoolean());
        // Nothing has pulled the Http source in this database: no watermark.
        Assert.Equal(JsonValueKind.Null, answer.Json[0].GetProperty("watermark").ValueKind);
        // Its schedule "0 0/15 * * * ?" fires next on the next quarter hour (China and UTC agree on minutes), within 15 minutes.
        var before = DateTime.UtcNow;
        var next = answer.Json[0].GetProperty("nextRunAt").GetDateTime().ToUniversalTime();
        Assert.Equal(0, next.Minute % 15);
        Assert.Equal(0, next.Second);
        Assert.InRange(next, before.AddMinutes(-1), before.AddMinutes(15));
    }

    [Fact]
    public async Task One_source_is_found_by_id_and_an_unknown_one_is_a_404_naming_it()
    {
        var answer = await fx.GetAsync($"/api/sources/{HttpSource}");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(HttpSource, answer.Json.GetProperty("source").GetProperty("id").GetString());
        Assert.DoesNotContain(Secret, answer.Raw, StringComparison.Ordinal);

        (await fx.GetAsync("/api/sources/no-such-source")).AssertProblem(HttpStatusCode.NotFound, "no-such-source");
    }

    [Fact]
    public async Task A_source_with_an_invalid_configuration_stops_the_host_naming_the_entry_and_field()
    {
        var settings = Settings(Path.GetTempPath());
        settings.Remove("Sources:Items:0:Url");
        settings["Sources:Items:1:DropFolder"] = "";
        await using var factory = new ApiFactory(settings: settings);
        var e = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains($"Sources:Items:0 ({HttpSource}): Url", e.Message, StringComparison.Ordinal);
        Assert.Contains($"Sources:Items:1 ({FileSource}): DropFolder", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_now_on_an_http_source_is_accepted_and_recorded_for_the_jobs_host()
    {
        var answer = await fx.PostAsync($"/api/sources/{HttpSource}/run");
        Assert.True(answer.Status == HttpStatusCode.Accepted, answer.Raw);
        var requestId = answer.Json.GetProperty("requestId").GetString();
        Assert.Equal(HttpSource, answer.Json.GetProperty("sourceId").GetString());
        Assert.Equal($"/api/sources/{HttpSource}/runs", answer.Headers.Location?.OriginalString);
        var rows = await fx.QueryAsync<(string Source, string By)>(
            "SELECT source_id, requested_by FROM run_requests WHERE id = @requestId", new { requestId });
        var (source, by) = Assert.Single(rows);
        Assert.Equal(HttpSource, source);
        Assert.StartsWith(IngestionApiFixture.UserName, by, StringComparison.Ordinal); // the account that asked
    }

    [Fact]
    public async Task Run_now_on_a_file_source_is_a_409_and_on_an_unknown_source_a_404()
    {
        (await fx.PostAsync($"/api/sources/{FileSource}/run")).AssertProblem(HttpStatusCode.Conflict, "File source");
        (await fx.PostAsync("/api/sources/nope/run")).AssertProblem(HttpStatusCode.NotFound, "nope");
        Assert.Equal(0UL, await fx.ScalarAsync<ulong>("SELECT count() FROM run_requests WHERE source_id IN ('nope', @FileSource)", new { FileSource }));
    }

    [Fact]
    public async Task Run_now_on_a_disabled_source_is_a_409_saying_so()
    {
        var settings = Settings(fx.DropFolder);
        settings["Sources:Items:0:Enabled"] = "false";
        // Same database as the fixture: the request must not be recorded there.
        await using var factory = new ApiFactory(fx.Factory.ConnectionString, settings);
        using var client = await factory.ClientAsAsync(Dashboard.Security.Roles.Role.SystemAdmin);
        var before = await fx.ScalarAsync<ulong>("SELECT count() FROM run_requests");
        using var response = await client.PostAsync(new Uri($"/api/sources/{HttpSource}/run", UriKind.Relative), null);
        (await Answer.ReadAsync(response)).AssertProblem(HttpStatusCode.Conflict, "disabled");
        Assert.Equal(before, await fx.ScalarAsync<ulong>("SELECT count() FROM run_requests"));
    }

    [Fact]
    public async Task A_sources_runs_come_newest_first_and_the_listing_shows_the_latest()
    {
        var csv = Encoding.UTF8.GetBytes(CsvHeader + "\n" + Row("331081", "2022-09", 10, 20) + "\n");
        var first = await fx.UploadAsync(FileSource, csv, "first.csv");
        Assert.True(first.Status == HttpStatusCode.OK, first.Raw);
        await Task.Delay(1100);   // started_at has second precision
        var second = await fx.UploadAsync(FileSource, csv, "second.csv");
        var secondId = second.Json.GetProperty("run").GetProperty("id").GetString();

        var runs = await fx.GetAsync($"/api/sources/{FileSource}/runs?limit=1");
        Assert.Equal(HttpStatusCode.OK, runs.Status);
        var only = Assert.Single(runs.Json.EnumerateArray());
        Assert.Equal(secondId, only.GetProperty("id").GetString());
        Assert.Equal("second.csv", only.GetProperty("fileName").GetString());
        Assert.Equal("Upload", only.GetProperty("trigger").GetString());

        var all = await fx.GetAsync($"/api/sources/{FileSource}/runs");
        var started = all.Json.EnumerateArray().Select(r => r.GetProperty("startedAt").GetDateTime()).ToList();
        Assert.True(started.Count >= 2);
        Assert.Equal(started.OrderByDescending(t => t), started);

        var listed = (await fx.GetAsync("/api/sources")).Json.EnumerateArray()
            .Single(s => s.GetProperty("source").GetProperty("id").GetString() == FileSource);
        var latest = listed.GetProperty("latestRun");
        Assert.Equal(secondId, latest.GetProperty("id").GetString());
        Assert.Equal("Succeeded", latest.GetProperty("status").GetString());
        Assert.Equal(1, latest.GetProperty("rowsLoaded").GetInt64());
        Assert.Equal(0, latest.GetProperty("rowsRejected").GetInt64());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("501")]
    [InlineData("abc")]
    [InlineData("-1")]
    public async Task A_runs_limit_out_of_range_is_a_400_naming_limit(string limit)
    {
        var answer = (await fx.GetAsync($"/api/sources/{HttpSource}/runs?limit={limit}")).AssertProblem(HttpStatusCode.BadRequest, "'limit'");
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("limit", out _), answer.Raw);
    }

    [Fact]
    public async Task The_runs_of_an_unknown_source_are_a_404()
    {
        (await fx.GetAsync("/api/sources/nope/runs")).AssertProblem(HttpStatusCode.NotFound, "nope");
    }
}
