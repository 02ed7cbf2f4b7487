using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace DistrictSimulator.Tests;

[Collection(SimulatorTests.Name)]
public sealed class FaultTests(SimulatorFixture fixture)
{
    private const string Source = "331003-edu";

    private async Task WithFaultsAsync(object faults, Func<HttpClient, Task> test, string source = Source)
    {
        using var admin = Feed.Admin(fixture.Simulator);
        using (var put = await admin.PutAsJsonAsync(new Uri($"/admin/faults/{source}", UriKind.Relative), faults))
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        try
        {
            using var client = Feed.Client(fixture.Simulator);
            await test(client);
        }
        finally
        {
            using var delete = await admin.DeleteAsync(new Uri($"/admin/faults/{source}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, Uri url)
    {
        using var response = await client.GetAsync(url);
        return response.StatusCode;
    }

    [Fact]
    public async Task Every_Nth_request_answers_429_with_Retry_After() =>
        await WithFaultsAsync(new { tooManyRequestsEvery = 3 }, async client =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 1; i <= 6; i++)
            {
                using var response = await client.GetAsync(Feed.Url(Source, limit: 5));
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
            }
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        });

    [Fact]
    public async Task Every_Nth_request_answers_503_and_files_count_too() =>
        await WithFaultsAsync(new { serverErrorEvery = 2 }, async client =>
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, Feed.Url(Source)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(client, Feed.Url(Source, path: "v1/observations.csv")));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, Feed.Url(Source, path: "v1/observations.xlsx")));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(client, Feed.Url(Source)));
        });

    [Fact]
    public async Task Every_Nth_request_resets_the_connection_after_the_headers_or_mid_body() =>
        await WithFaultsAsync(new { resetEvery = 2 }, async client =>
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, Feed.Url(Source)));
            await Assert.ThrowsAnyAsync<Exception>(async () => await (await client.GetAsync(Feed.Url(Source))).Content.ReadAsByteArrayAsync());
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, Feed.Url(Source)));
            await Assert.ThrowsAnyAsync<Exception>(async () => await (await client.GetAsync(Feed.Url(Source))).Content.ReadAsByteArrayAsync());
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, Feed.Url(Source)));
        });

    [Fact]
    public async Task Every_Nth_body_is_truncated_and_fails_to_parse()
    {
        using var plain = Feed.Client(fixture.Simulator);
        var full = await plain.GetStringAsync(Feed.Url(Source, limit: 20));
        await WithFaultsAsync(new { truncateEvery = 1 }, async client =>
        {
            using var response = await client.GetAsync(Feed.Url(Source, limit: 20));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(body.Length > 10 && body.Length < full.Length, $"{body.Length} of {full.Length}");
            Assert.StartsWith(body, full, StringComparison.Ordinal);
            Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
        });
    }

    [Fact]
    public async Task Duplicate_rows_repeat_each_pages_first_row() =>
        await WithFaultsAsync(new { duplicateRows = true }, async client =>
        {
            var page = await Feed.GetPageAsync(client, Feed.Url(Source, limit: 10));
            Assert.Equal(11, page.Items.Count);
            Assert.Equal(page.Items[0], page.Items[^1]);
            var second = await Feed.GetPageAsync(client, Feed.Url(Source, cursor: page.Next, limit: 10));
            Assert.Equal(second.Items[0], second.Items[^1]);
            Assert.NotEqual(page.Items[0], second.Items[0]);
        });

    [Fact]
    public async Task Every_Nth_page_request_repeats_the_previous_page_with_the_same_next_cursor() =>
        await WithFaultsAsync(new { repeatPageEvery = 3 }, async client =>
        {
            var p1 = await Feed.GetPageAsync(client, Feed.Url(Source, limit: 10));
            var p2 = await Feed.GetPageAsync(client, Feed.Url(Source, cursor: p1.Next, limit: 10));
            var repeated = await Feed.GetPageAsync(client, Feed.Url(Source, cursor: p2.Next, limit: 10));
            Assert.Equal(p2.Items, repeated.Items);
            Assert.Equal(p2.Next, repeated.Next);
            var p3 = await Feed.GetPageAsync(client, Feed.Url(Source, cursor: repeated.Next, limit: 10));
            Assert.Empty(p3.Items.Intersect(p2.Items));
            Assert.NotEmpty(p3.Items);
        });

    [Fact]
    public async Task Latency_delays_every_response() =>
        await WithFaultsAsync(new { latencyMs = 300 }, async client =>
        {
            var watch = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, Feed.Url(Source, limit: 1)));
            Assert.True(watch.ElapsedMilliseconds >= 290, $"{watch.ElapsedMilliseconds} ms");
        });

    [Fact]
    public async Task Each_page_gets_one_invalid_row_of_each_kind()
    {
        using var plain = Feed.Client(fixture.Simulator);
        var valid = (await Feed.GetPageAsync(plain, Feed.Url(Source, limit: 10))).Items;
        await WithFaultsAsync(new { invalidRows = new[] { "wrongType", "missingField", "unknownRegion", "unknownIndicator", "negative", "numeratorAboveDenominator", "futurePeriod" } }, async client =>
        {
            var page = await Feed.GetPageAsync(client, Feed.Url(Source, limit: 10));
            Assert.Equal(valid, page.Items.Take(10));
            var extra = page.Root.GetProperty("items").EnumerateArray().Skip(10).ToList();
            Assert.Equal(7, extra.Count);
            Assert.Equal(JsonValueKind.String, extra[0].GetProperty("numerator").ValueKind);
            Assert.Equal("abc", extra[0].GetProperty("numerator").GetString());
            Assert.False(extra[1].TryGetProperty("period", out _));
            Assert.Equal("000000000", extra[2].GetProperty("region").GetString());
            Assert.Equal("NO_SUCH_INDICATOR", extra[3].GetProperty("indicator").GetString());
            var negative = Item.Parse(extra[4]);
            Assert.True(decimal.Parse(negative.Value ?? negative.Numerator!, System.Globalization.CultureInfo.InvariantCulture) < 0);
            var above = Item.Parse(extra[5]);
            Assert.True(long.Parse(above.Numerator!, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(above.Denominator!, System.Globalization.CultureInfo.InvariantCulture));
            var future = Item.Parse(extra[6]);
            Assert.True(string.CompareOrdinal(future.Period, "2026-11") > 0 || future.Period == "2027", $"{future.Period} is not after today");
            // Each page, not just the first; the files carry them too.
            var second = await Feed.GetPageAsync(client, Feed.Url(Source, cursor: page.Next, limit: 10));
            Assert.Contains(second.Items, i => i.Region == "000000000");
            var csv = await client.GetStringAsync(Feed.Url(Source, path: "v1/observations.csv"));
            Assert.Contains(",abc,", csv, StringComparison.Ordinal);
            Assert.Contains("NO_SUCH_INDICATOR", csv, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Faults_can_come_from_configuration_and_bad_fault_bodies_are_rejected()
    {
        await using var factory = fixture.Create(new Dictionary<string, string?>
        {
            ["Simulator:Faults:331004-edu:ServerErrorEvery"] = "1",
            ["Simulator:Faults:331004-edu:InvalidRows:0"] = "futurePeriod",
        });
        using var client = Feed.Client(factory);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(client, Feed.Url("331004-edu")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, Feed.Url("331002-edu")));
        using var admin = Feed.Admin(factory);
        var listed = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/admin/faults", UriKind.Relative))).RootElement;
        var state = listed.GetProperty("331004-edu");
        Assert.Equal(1, state.GetProperty("settings").GetProperty("serverErrorEvery").GetInt32());
        Assert.Equal("futurePeriod", state.GetProperty("settings").GetProperty("invalidRows")[0].GetString());
        Assert.Equal(1, state.GetProperty("requests").GetInt64());

        using (var r = await admin.PutAsJsonAsync(new Uri("/admin/faults/331004-edu", UriKind.Relative), new { invalidRows = new[] { "nonsense" } }))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await admin.PutAsJsonAsync(new Uri("/admin/faults/331004-edu", UriKind.Relative), new { serverErrorEvry = 2 }))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await admin.PutAsJsonAsync(new Uri("/admin/faults/331004-edu", UriKind.Relative), new { resetEvery = -1 }))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await admin.PutAsJsonAsync(new Uri("/admin/faults/nope-edu", UriKind.Relative), new { resetEvery = 1 }))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await admin.DeleteAsync(new Uri("/admin/faults/331004-edu", UriKind.Relative))) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, Feed.Url("331004-edu")));
        Assert.Equal("{}", await admin.GetStringAsync(new Uri("/admin/faults", UriKind.Relative)));
    }
}
