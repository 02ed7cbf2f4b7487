using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Storage;
using Dashboard.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.Ingestion.Tests;

/// <summary>The district simulator hosted in memory: the fake district system the pulls read, over the real contract.</summary>
public sealed class Simulator(string connectionString) : WebApplicationFactory<Program>
{
    public const string Token = "feed-token";
    public const string AdminToken = "admin-token";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:ClickHouse", connectionString);
        builder.UseSetting("Simulator:Token", Token);
        builder.UseSetting("Simulator:AdminToken", AdminToken);
        builder.UseSetting("Simulator:Today", "2026-11-22");
    }
}

/// <summary>The pull date the tests run on (the simulator's "today").</summary>
internal sealed class FixedClock() : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(2026, 11, 22, 4, 0, 0, TimeSpan.Zero);
}

/// <summary>A database with every migration (the seeded catalogue the simulator plays), one simulator, and helpers to compare.</summary>
public sealed class IngestionFixture : IAsyncLifetime
{
    private TestDatabase? _db;

    public string ConnectionString => _db!.ConnectionString;

    public ClickHouseDatabase Database { get; private set; } = null!;

    public Simulator Simulator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("ing", Schema.Full);
        Database = new ClickHouseDatabase(_db.ConnectionString);
        Simulator = new Simulator(_db.ConnectionString);
        using var warm = Simulator.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await _db!.DisposeAsync();
    }

    public PullService Pulls(FeedReaderOptions? options = null) => new(
        new IngestionStore(Database), new CatalogueStore(Database),
        new HttpFeedReader(Simulator.CreateDefaultClient(), options ?? new FeedReaderOptions { BaseDelay = TimeSpan.FromMilliseconds(10) }),
        new FixedClock());

    public FeedSource Source(string id, string? token = null) =>
        new(id, id.Split('-')[0], new Uri(Simulator.Server.BaseAddress, "/" + id), token ?? Simulator.Token);

    public HttpClient Admin()
    {
        var client = Simulator.CreateClient();
        client.DefaultRequestHeaders.Add("X-Simulator-Admin", Simulator.AdminToken);
        return client;
    }

    /// <summary>The simulator's current truth of a source: per key, its highest revision.</summary>
    public async Task<Dictionary<Key, Values>> TruthAsync(string source)
    {
        using var admin = Admin();
        var doc = await admin.GetFromJsonAsync<JsonElement>($"/{source}/v1/truth");
        var result = new Dictionary<Key, Values>();
        foreach (var item in doc.GetProperty("items").EnumerateArray())
        {
            var period = item.GetProperty("period").GetString()!;
            var day = period.Length == 4 ? new DateOnly(int.Parse(period, CultureInfo.InvariantCulture), 1, 1)
                : DateOnly.ParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            result[new Key(item.GetProperty("region").GetString()!, item.GetProperty("indicator").GetString()!, day)] = new Values(
                Num(item, "numerator"), Num(item, "denominator"), Num(item, "value"), item.GetProperty("revision").GetUInt32());
        }
        return result;
    }

    /// <summary>What the platform holds as current for a source: per key, the highest version.</summary>
    public async Task<Dictionary<Key, Values>> CurrentAsync(string source)
    {
        await using var c = await Database.OpenAsync(CancellationToken.None);
        var rows = await c.QueryAsync<(string Region, string Indicator, DateTime Period, decimal? Num, decimal? Den, decimal? Val, uint Rev, ulong Copies)>("""
            SELECT region_code, indicator_code, period, argMax(numerator, version), argMax(denominator, version), argMax(value, version),
                   argMax(revision, version), count()
            FROM observations WHERE source_id = @source
            GROUP BY region_code, indicator_code, period
            """, new { source });
        return rows.ToDictionary(r => new Key(r.Region, r.Indicator, DateOnly.FromDateTime(r.Period)), r => new Values(r.Num, r.Den, r.Val, r.Rev));
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await Database.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value");
    }

    private static decimal? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;
}

public sealed record Key(string Region, string Indicator, DateOnly Period);

public sealed record Values(decimal? Numerator, decimal? Denominator, decimal? Value, uint Revision);

[CollectionDefinition(Name)]
public sealed class IngestionTests : ICollectionFixture<IngestionFixture>
{
    public const string Name = "Ingestion";
}
