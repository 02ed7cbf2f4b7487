using System.Net;

namespace DistrictSimulator.Tests;

[Collection(SimulatorTests.Name)]
public sealed class DeterminismAndPagingTests(SimulatorFixture fixture)
{
    private const string Big = "320585-edu"; // 太仓市: 12 towns, data from 2020, the most rows with the default seed

    [Fact]
    public async Task Two_instances_with_the_same_seed_and_today_serve_identical_pages()
    {
        await using var other = fixture.Create();
        using var a = Feed.Client(fixture.Simulator);
        using var b = Feed.Client(other);
        var sources = await Feed.SourcesAsync(a);
        Assert.Equal(sources.Select(s => (s.Id, s.Profile, s.RowCount)), (await Feed.SourcesAsync(b)).Select(s => (s.Id, s.Profile, s.RowCount)));
        foreach (var s in sources)
        {
            var pa = (await Feed.PullAsync(a, s.Id, 97)).Select(p => p.Body).ToList();
            var pb = (await Feed.PullAsync(b, s.Id, 97)).Select(p => p.Body).ToList();
            Assert.Equal(pa, pb);
        }
    }

    [Fact]
    public async Task A_different_seed_serves_different_numbers()
    {
        await using var other = fixture.Create(new Dictionary<string, string?> { ["Simulator:Seed"] = "7" });
        using var a = Feed.Client(fixture.Simulator);
        using var b = Feed.Client(other);
        var rowsA = await Feed.PullItemsAsync(a, Big, 5000);
        var rowsB = await Feed.PullItemsAsync(b, Big, 5000);
        Assert.NotEmpty(rowsA);
        Assert.NotEqual(rowsA, rowsB);
    }

    [Fact]
    public async Task Paging_with_a_cursor_returns_every_row_exactly_once_in_feed_order()
    {
        using var client = Feed.Client(fixture.Simulator);
        var info = (await Feed.SourcesAsync(client)).Single(s => s.Id == Big);
        var pages = await Feed.PullAsync(client, Big, 37);
        var rows = pages.SelectMany(p => p.Items).ToList();

        Assert.True(info.RowCount > 500, $"{Big} serves {info.RowCount} rows");
        Assert.Equal(info.RowCount, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.Key, r.Revision)).Distinct().Count());
        Assert.All(pages.SkipLast(1), p => Assert.Equal(37, p.Items.Count));
        Assert.Null(pages[^1].Next);
        for (var i = 1; i < rows.Count; i++) Assert.True(Feed.Compare(rows[i - 1], rows[i]) < 0, $"row {i} is out of order");
        Assert.Equal(rows, (await Feed.GetPageAsync(client, Feed.Url(Big, limit: 5000))).Items);
    }

    [Fact]
    public async Task Limit_defaults_to_500_and_is_capped_and_bad_parameters_are_400()
    {
        using var client = Feed.Client(fixture.Simulator);
        var first = await Feed.GetPageAsync(client, Feed.Url(Big));
        Assert.Equal(500, first.Items.Count);
        Assert.NotNull(first.Next);
        var capped = await Feed.GetPageAsync(client, Feed.Url(Big, limit: 1_000_000));
        Assert.True(capped.Items.Count is > 500 and <= 5000);
        Assert.Null(capped.Next);

        foreach (var bad in new[] { "?limit=0", "?limit=abc", "?cursor=not-a-cursor", "?since=yesterday" })
        {
            using var response = await client.GetAsync(new Uri($"/{Big}/v1/observations{bad}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task Since_returns_exactly_the_rows_updated_at_or_after_it_and_cursors_hold_still()
    {
        using var client = Feed.Client(fixture.Simulator);
        var all = await Feed.PullItemsAsync(client, Big, 5000);
        var since = all[all.Count / 2].UpdatedAt;
        var expected = all.Where(r => r.UpdatedAtValue >= all[all.Count / 2].UpdatedAtValue).ToList();
        Assert.True(expected.Count < all.Count);

        var pages = await Feed.PullAsync(client, Big, 25, since);
        Assert.Equal(expected, pages.SelectMany(p => p.Items).ToList());

        // The same cursor with the same since gives the same page, however often it is asked.
        var again = await Feed.GetPageAsync(client, Feed.Url(Big, since, pages[0].Next, 25));
        Assert.Equal(pages[1].Body, again.Body);
        Assert.Equal(pages[1].Body, (await Feed.GetPageAsync(client, Feed.Url(Big, since, pages[0].Next, 25))).Body);

        // An unencoded '+' of the offset arrives as a space; it is read as '+'.
        var raw = await Feed.GetPageAsync(client, new Uri($"/{Big}/v1/observations?limit=25&since={since}", UriKind.Relative));
        Assert.Equal(pages[0].Body, raw.Body);

        // A since after every row: an empty last page.
        var empty = await Feed.GetPageAsync(client, Feed.Url(Big, "2030-01-01T00:00:00+08:00"));
        Assert.Empty(empty.Items);
        Assert.Null(empty.Next);
    }
}
