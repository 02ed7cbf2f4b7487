using System.Net;
using System.Text.Json;

namespace DistrictSimulator.Tests;

[Collection(SimulatorTests.Name)]
public sealed class AuthAndTruthTests(SimulatorFixture fixture)
{
    [Fact]
    public async Task The_feed_answers_401_without_the_right_bearer_token()
    {
        foreach (var token in new[] { null, "wrong" })
        {
            using var client = Feed.Client(fixture.Simulator, token);
            foreach (var path in new[] { "v1/observations", "v1/observations.csv", "v1/observations.xlsx" })
            {
                using var response = await client.GetAsync(Feed.Url("331002-edu", path: path));
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            }
        }
        using var ok = Feed.Client(fixture.Simulator);
        using var unknown = await ok.GetAsync(Feed.Url("123456-edu"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_per_source_token_replaces_the_demo_token_for_that_source_only()
    {
        await using var factory = fixture.Create(new Dictionary<string, string?> { ["Simulator:Tokens:331002-edu"] = "own-secret" });
        using var demo = Feed.Client(factory);
        using var own = Feed.Client(factory, "own-secret");
        using (var r = await demo.GetAsync(Feed.Url("331002-edu"))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await own.GetAsync(Feed.Url("331002-edu"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await demo.GetAsync(Feed.Url("331003-edu"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await own.GetAsync(Feed.Url("331003-edu"))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        // The list of sources needs no token and shows none.
        using var anonymous = Feed.Client(factory, null);
        var list = await anonymous.GetStringAsync(new Uri("/v1/sources", UriKind.Relative));
        Assert.Contains("331002-edu", list, StringComparison.Ordinal);
        Assert.DoesNotContain("own-secret", list, StringComparison.Ordinal);
        Assert.DoesNotContain(SimulatorFixture.Token, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_endpoints_need_the_admin_header_and_are_off_without_an_admin_token()
    {
        using var client = Feed.Client(fixture.Simulator);
        using (var r = await client.GetAsync(Feed.Url("331002-edu", path: "v1/truth"))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await client.GetAsync(new Uri("/admin/faults", UriKind.Relative))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using var admin = Feed.Admin(fixture.Simulator);
        using (var r = await admin.GetAsync(new Uri("/admin/faults", UriKind.Relative))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        await using var off = fixture.Create(new Dictionary<string, string?> { ["Simulator:AdminToken"] = null });
        using var offAdmin = Feed.Admin(off);
        using (var r = await offAdmin.GetAsync(Feed.Url("331002-edu", path: "v1/truth"))) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await offAdmin.DeleteAsync(new Uri("/admin/faults/331002-edu", UriKind.Relative))) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
    }

    [Fact]
    public async Task Truth_is_the_highest_revision_per_key_of_a_full_pull()
    {
        using var admin = Feed.Admin(fixture.Simulator);
        var restated = 0;
        foreach (var s in await Feed.SourcesAsync(admin))
        {
            var pulled = await Feed.PullItemsAsync(admin, s.Id, 300);
            var expected = pulled.GroupBy(r => r.Key).Select(g => g.MaxBy(r => r.Revision)!)
                .OrderBy(r => r.Region, StringComparer.Ordinal).ThenBy(r => r.Indicator, StringComparer.Ordinal).ThenBy(r => r.Period, StringComparer.Ordinal)
                .ToList();
            restated += pulled.Count - expected.Count;
            var truth = JsonDocument.Parse(await admin.GetStringAsync(Feed.Url(s.Id, path: "v1/truth"))).RootElement;
            Assert.Equal(s.Id, truth.GetProperty("source").GetString());
            Assert.Equal("2026-11-22", truth.GetProperty("today").GetString());
            Assert.Equal(expected, truth.GetProperty("items").EnumerateArray().Select(Item.Parse).ToList());
        }
        Assert.True(restated > 0, "some keys must be restated, or this test proves nothing about revisions");
    }

    [Fact]
    public async Task Startup_fails_with_a_message_naming_the_setting_when_ClickHouse_is_unreachable_or_no_token_is_set()
    {
        var unreachable = new Dashboard.ClickHouse.Ado.ClickHouseConnectionStringBuilder(fixture.ConnectionString) { Port = 1 };
        await using (var factory = fixture.Create(connectionString: unreachable.ConnectionString))
        {
            var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
            var messages = string.Join(" | ", Chain(e).Select(x => x.Message));
            Assert.Contains("ConnectionStrings:ClickHouse", messages, StringComparison.Ordinal);
            Assert.DoesNotContain(unreachable.Password, messages, StringComparison.Ordinal);
        }
        await using (var factory = fixture.Create(new Dictionary<string, string?> { ["Simulator:Token"] = null }))
        {
            var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
            Assert.Contains("Simulator:Token", string.Join(" | ", Chain(e).Select(x => x.Message)), StringComparison.Ordinal);
        }
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException a) foreach (var inner in a.InnerExceptions.SelectMany(Chain)) yield return inner;
        }
    }
}
