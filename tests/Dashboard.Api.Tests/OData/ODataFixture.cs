using System.Globalization;
using System.Text.Json;
using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Storage;
using Dashboard.Testing;

namespace Dashboard.Api.Tests.OData;

/// <summary>
/// One api (page size <see cref="PageSize"/>) over a fully migrated database holding a known set of
/// observations for Taizhou (Zhejiang)'s nine counties: <see cref="Current"/> is what the OData service must
/// return for Observations, computed here independently of the api. One key is restated (revision 2), so
/// its revision 1 must never appear.
/// </summary>
public sealed class ODataFixture : IAsyncLifetime
{
    public const int PageSize = 7;

    public static readonly string[] Counties = ["331002", "331003", "331004", "331022", "331023", "331024", "331081", "331082", "331083"];

    public static readonly DateTime LoadedAt = new(2024, 3, 1, 2, 0, 0, DateTimeKind.Utc);

    private TestDatabase? _db;

    public ApiFactory Factory { get; private set; } = null!;

    public string DatabaseName => _db!.Name;

    public string ConnectionString => _db!.ConnectionString;

    /// <summary>The current revision of every observation written.</summary>
    public List<Observation> Current { get; } = [];

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("apiodata", Schema.Full);
        Factory = new ApiFactory(_db.ConnectionString, new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["OData:PageSize"] = PageSize.ToString(CultureInfo.InvariantCulture),
            ["OData:MaxTop"] = "100",
            ["OData:MaxFilterNodes"] = "100",
        });

        var updated = new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        var rows = new List<Observation>();
        for (var i = 0; i < Counties.Length; i++)
        {
            // Ratio, reported per term: numerator 100 + 7i + 3j of denominator 200 + 5i.
            DateOnly[] terms = [new(2022, 3, 1), new(2022, 9, 1), new(2023, 3, 1), new(2023, 9, 1)];
            for (var j = 0; j < terms.Length; j++)
                rows.Add(new Observation(Counties[i], "PUBLIC_ABSORPTION", terms[j], 100 + 7 * i + 3 * j, 200 + 5 * i, null, 1, updated));
            // Count, reported per year: 1000 + 100i + 10j new places.
            DateOnly[] years = [new(2022, 1, 1), new(2023, 1, 1)];
            for (var j = 0; j < years.Length; j++)
                rows.Add(new Observation(Counties[i], "NEW_SCHOOL_PLACES", years[j], null, null, 1000 + 100 * i + 10 * j, 1, updated));
        }
        var store = new IngestionStore(new ClickHouseDatabase(_db.ConnectionString));
        await store.WriteObservationsAsync(rows, "331000-edu", "run-1", LoadedAt, CancellationToken.None);
        // A restatement: 331004's 2023 places become 1333 in revision 2.
        var restated = rows.Single(r => r.RegionCode == "331004" && r.IndicatorCode == "NEW_SCHOOL_PLACES" && r.Period == new DateOnly(2023, 1, 1))
            with { Value = 1333, Revision = 2 };
        await store.WriteObservationsAsync([restated], "331000-edu", "run-2", LoadedAt.AddHours(1), CancellationToken.None);
        Current.AddRange(rows.Select(r => r.RegionCode == restated.RegionCode && r.IndicatorCode == restated.IndicatorCode && r.Period == restated.Period ? restated : r));
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_db is not null) await _db.DisposeAsync();
    }

    /// <summary>GETs a path of the api and parses the JSON answer.</summary>
    public async Task<(int Status, JsonElement Body, string Raw)> GetJsonAsync(string pathAndQuery, string? accept = null)
    {
        using var client = await Factory.ClientAsAsync(Dashboard.Security.Roles.Role.Leader);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(pathAndQuery, UriKind.RelativeOrAbsolute));
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        JsonElement body = default;
        if (raw.Length > 0 && (raw[0] == '{' || raw[0] == '[')) body = JsonDocument.Parse(raw).RootElement.Clone();
        return ((int)response.StatusCode, body, raw);
    }

    /// <summary>
    /// The statements ClickHouse received whose text contains <paramref name="marker"/> (a literal unique to one
    /// test: the provider inlines bound values), oldest first, from system.query_log.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SentQueriesAsync(string marker)
    {
        await using var c = new ClickHouseConnection(TestDatabase.Server);
        await c.OpenAsync();
        await c.ExecuteAsync("SYSTEM FLUSH LOGS");
        return (await c.QueryAsync<string>(
            "SELECT query FROM system.query_log WHERE type = 1 AND position(query, @marker) > 0 AND position(query, 'system.query_log') = 0 ORDER BY event_time, query_id",
            new { marker })).ToList();
    }

    /// <summary>The ClickHouse users that ran the statements containing <paramref name="marker"/>.</summary>
    public static async Task<IReadOnlyList<string>> SentByAsync(string marker)
    {
        await using var c = new ClickHouseConnection(TestDatabase.Server);
        await c.OpenAsync();
        await c.ExecuteAsync("SYSTEM FLUSH LOGS");
        return (await c.QueryAsync<string>(
            "SELECT DISTINCT user FROM system.query_log WHERE type = 1 AND position(query, @marker) > 0 AND position(query, 'system.query_log') = 0",
            new { marker })).ToList();
    }
}
