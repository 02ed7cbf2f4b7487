using System.Text;
using System.Text.Json;
using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Storage;
using Dashboard.Testing;

namespace Dashboard.Api.Tests.Reports;

/// <summary>
/// One api over the seeded catalogue (台州市 331000 with its targets TZ-ABSORB-2022/2023) and a few terms of
/// PUBLIC_ABSORPTION for 仙居县 331024 and 温岭市 331081, so bulletins have numbers to print and compare.
/// </summary>
public sealed class ReportsApiFixture : IAsyncLifetime
{
    public const string City = "331000";

    private TestDatabase? _db;

    public ApiFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("apirep", Schema.Full);
        Factory = new ApiFactory(_db.ConnectionString);
        await WriteAsync(("331024", "2022-03-01", 150m), ("331024", "2022-09-01", 160m), ("331081", "2022-03-01", 120m), ("331081", "2022-09-01", 130m));
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_db is not null) await _db.DisposeAsync();
    }

    /// <summary>Writes ratio observations (numerator of 200) as a file source would.</summary>
    public async Task WriteAsync(params (string Region, string Period, decimal Numerator)[] rows)
    {
        var store = new IngestionStore(new ClickHouseDatabase(Factory.ConnectionString));
        var updated = new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        var observations = rows.Select(r => new Observation(r.Region, "PUBLIC_ABSORPTION", DateOnly.Parse(r.Period, System.Globalization.CultureInfo.InvariantCulture),
            r.Numerator, 200, null, 1, updated)).ToList();
        await store.WriteObservationsAsync(observations, "tests", "run-" + Guid.NewGuid().ToString("N")[..8], DateTime.UtcNow, CancellationToken.None);
    }

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>Audit records of one action and object since a moment, newest first.</summary>
    public async Task<IReadOnlyList<(string User, string Object, string Result, string Detail)>> AuditAsync(string action, string obj, DateTime since)
    {
        await using var c = new ClickHouseConnection(Factory.ConnectionString);
        await c.OpenAsync();
        return (await c.QueryAsync<(string, string, string, string)>(
            "SELECT user, object, result, detail FROM audit_log WHERE action = @action AND object = @obj AND time >= @since ORDER BY time DESC",
            new { action, obj, since })).ToList();
    }
}
