using System.Globalization;
using System.Text;
using Dashboard.ClickHouse.Ado;
using Dashboard.OData.Translation;
using Dashboard.Testing;

namespace Dashboard.OData.Tests.Execution;

/// <summary>One observation as the test wrote it (the current revision).</summary>
public sealed record ObsRow(string Region, string Indicator, DateOnly Period, decimal? Value, int Revision);

/// <summary>
/// A throwaway database (schema only) with a small, fixed set of regions and observations, written by the
/// test so that every expected result can be computed independently in C#.
/// </summary>
public sealed class ExecutionFixture : IAsyncLifetime
{
    private TestDatabase? _db;

    public static readonly string[] AllRegions = ["R1", "R2", "R3", "R4"];

    /// <summary>The jurisdiction the tests query with: R4 is outside it.</summary>
    public static readonly string[] InScope = ["R1", "R2", "R3"];

    /// <summary>The current rows (highest revision per key).</summary>
    public List<ObsRow> Observations { get; } = [];

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("odata", Schema.WithoutSeeds);
        var sql = new StringBuilder("INSERT INTO observations (region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at) VALUES ");
        var rows = new List<string>();
        foreach (var (region, r) in AllRegions.Select((x, i) => (x, i + 1)))
        {
            foreach (var (indicator, k) in new[] { ("I1", 1), ("I2", 2) })
            {
                for (var m = 1; m <= 6; m++)
                {
                    var period = new DateOnly(2023, m, 1);
                    decimal? value = (r + m) % 5 == 0 ? null : Math.Round((r * 7 + m * 3 + k) % 11 / 4m + 0.0001m * m, 4);
                    Observations.Add(new ObsRow(region, indicator, period, value, 2));
                    rows.Add(Row(region, indicator, period, value, 2, "2023-07-01 00:00:00"));
                    // An older revision of the same key with another value: reads must see revision 2 only.
                    rows.Add(Row(region, indicator, period, 999m, 1, "2023-06-01 00:00:00"));
                }
            }
        }
        sql.AppendJoin(", ", rows);
        await ExecuteAsync(sql.ToString());
        await ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES " +
                           string.Join(", ", AllRegions.Select(c => $"('{c}', 'Region {c}', 'County', 'P', '县', 'test')")));
    }

    private static string Row(string region, string indicator, DateOnly period, decimal? value, int revision, string loaded) =>
        string.Create(CultureInfo.InvariantCulture,
            $"('{region}', '{indicator}', '{period:yyyy-MM-dd}', NULL, NULL, {(value is null ? "NULL" : value.Value.ToString(CultureInfo.InvariantCulture))}, {revision}, 'src', 'run', '{loaded}', '{loaded}')");

    public async Task DisposeAsync() => await _db!.DisposeAsync();

    private async Task ExecuteAsync(string sql)
    {
        await using var c = new ClickHouseConnection(_db!.ConnectionString);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one statement of a translated query with its parameters; returns the column names and rows.</summary>
    public async Task<(List<string> Names, List<object?[]> Rows)> QueryAsync(TranslatedQuery q, string sql)
    {
        await using var c = new ClickHouseConnection(_db!.ConnectionString);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand(sql);
        foreach (var (name, value) in q.Parameters) cmd.Parameters.AddWithValue(name, value);
        await using var reader = await cmd.ExecuteReaderAsync(CancellationToken.None);
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return (names, rows);
    }
}

[CollectionDefinition(Name)]
public sealed class ExecutionTests : ICollectionFixture<ExecutionFixture>
{
    public const string Name = "ODataExecution";
}
