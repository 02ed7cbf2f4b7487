using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DistrictSimulator.Sources;

namespace DistrictSimulator.Tests;

/// <summary>A row as the feed sent it: number fields as their raw JSON (or CSV/XLSX) text, null when null or absent.</summary>
public sealed record Item(string Region, string Indicator, string? Period, string? Numerator, string? Denominator, string? Value, int Revision, string UpdatedAt)
{
    public (string, string, string?) Key => (Region, Indicator, Period);

    public DateTimeOffset UpdatedAtValue => DateTimeOffset.Parse(UpdatedAt, CultureInfo.InvariantCulture);

    public static Item Parse(JsonElement e)
    {
        static string? Raw(JsonElement e, string name) =>
            !e.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null ? null
            : p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText();
        return new Item(e.GetProperty("region").GetString()!, e.GetProperty("indicator").GetString()!, Raw(e, "period"),
            Raw(e, "numerator"), Raw(e, "denominator"), Raw(e, "value"), e.GetProperty("revision").GetInt32(), e.GetProperty("updatedAt").GetString()!);
    }
}

/// <summary>One JSON page as received.</summary>
public sealed record Page(string Body, IReadOnlyList<Item> Items, string? Next, JsonElement Root);

/// <summary>Client helpers for the feed.</summary>
public static class Feed
{
    public static HttpClient Client(SimulatorFactory factory, string? token = SimulatorFixture.Token)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var client = factory.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static HttpClient Admin(SimulatorFactory factory)
    {
        var client = Client(factory);
        client.DefaultRequestHeaders.Add("X-Simulator-Admin", SimulatorFixture.AdminToken);
        return client;
    }

    public static Uri Url(string sourceId, string? since = null, string? cursor = null, int? limit = null, string path = "v1/observations")
    {
        var query = new List<string>();
        if (since is not null) query.Add("since=" + Uri.EscapeDataString(since));
        if (cursor is not null) query.Add("cursor=" + Uri.EscapeDataString(cursor));
        if (limit is not null) query.Add("limit=" + limit.Value.ToString(CultureInfo.InvariantCulture));
        return new Uri($"/{sourceId}/{path}" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), UriKind.Relative);
    }

    public static async Task<Page> GetPageAsync(HttpClient client, Uri url)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        var root = JsonDocument.Parse(body).RootElement.Clone();
        var items = root.GetProperty("items").EnumerateArray().Select(Item.Parse).ToList();
        var next = root.GetProperty("next").ValueKind == JsonValueKind.Null ? null : root.GetProperty("next").GetString();
        return new Page(body, items, next, root);
    }

    /// <summary>Every page from the first, following next until it is null.</summary>
    public static async Task<List<Page>> PullAsync(HttpClient client, string sourceId, int limit, string? since = null)
    {
        var pages = new List<Page>();
        string? cursor = null;
        do
        {
            var page = await GetPageAsync(client, Url(sourceId, since, cursor, limit));
            pages.Add(page);
            cursor = page.Next;
            Assert.True(pages.Count < 10_000, "the cursor never ends");
        }
        while (cursor is not null);
        return pages;
    }

    public static async Task<List<Item>> PullItemsAsync(HttpClient client, string sourceId, int limit = 1000, string? since = null) =>
        (await PullAsync(client, sourceId, limit, since)).SelectMany(p => p.Items).ToList();

    public static async Task<List<SourceInfo>> SourcesAsync(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var json = await client.GetStringAsync(new Uri("/v1/sources", UriKind.Relative));
        return JsonSerializer.Deserialize<List<SourceInfo>>(json, JsonSerializerOptions.Web)!;
    }

    /// <summary>The feed's order: (updatedAt, region, indicator, period, revision).</summary>
    public static int Compare(Item a, Item b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var c = a.UpdatedAtValue.CompareTo(b.UpdatedAtValue);
        if (c == 0) c = string.CompareOrdinal(a.Region, b.Region);
        if (c == 0) c = string.CompareOrdinal(a.Indicator, b.Indicator);
        if (c == 0) c = string.CompareOrdinal(a.Period, b.Period);
        if (c == 0) c = a.Revision.CompareTo(b.Revision);
        return c;
    }
}
