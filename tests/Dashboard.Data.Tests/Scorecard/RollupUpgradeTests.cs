using Dapper;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Dashboard.Testing;

namespace Dashboard.Data.Tests.Scorecard;

/// <summary>A database upgraded past sql/0013 with observations already in it gets its roll-up from the migrator.</summary>
public sealed class RollupUpgradeTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_database_without_the_tables_is_left_alone()
    {
        await using var db = await TestDatabase.CreateAsync("rollup_none", Schema.None);
        Assert.False(await new ObservationRollup(new ClickHouseDatabase(db.ConnectionString)).EnsureBuiltAsync(Ct));
    }

    [Fact]
    public async Task An_empty_roll_up_beside_observations_is_rebuilt_once()
    {
        await using var db = await TestDatabase.CreateAsync("rollup_upgrade", Schema.Full);
        var ch = new ClickHouseDatabase(db.ConnectionString);
        var rollup = new ObservationRollup(ch);
        Assert.False(await rollup.EnsureBuiltAsync(Ct)); // nothing to sum yet

        // Two towns' rows written straight to observations, as before sql/0013 (no ingestion, no refresh).
        await using (var c = await ch.OpenAsync(Ct))
        {
            await c.ExecuteAsync("""
                INSERT INTO observations (region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at)
                VALUES ('320583100', 'PUBLIC_ABSORPTION', '2025-09-01', 30, 40, NULL, 1, 's', 'r', '2025-10-01 00:00:00', '2025-10-02 00:00:00'),
                       ('320583100', 'PUBLIC_ABSORPTION', '2025-09-01', 33, 40, NULL, 2, 's', 'r2', '2025-10-05 00:00:00', '2025-10-06 00:00:00')
                """);
            Assert.Equal(0UL, await c.ExecuteScalarAsync<ulong>("SELECT count() FROM observation_rollup"));
        }

        Assert.True(await rollup.EnsureBuiltAsync(Ct));
        await using (var c = await ch.OpenAsync(Ct))
        {
            // By hand: revision 2 replaces revision 1, so the town's group is 33 / 40 from one observation.
            var g = await c.QuerySingleAsync<(string Judged, decimal Numerator, decimal Denominator, ulong Rows)>(
                "SELECT judged_code, toDecimal64(numerator, 4), toDecimal64(denominator, 4), rows FROM observation_rollup FINAL");
            Assert.Equal(("320583100", 33m, 40m, 1UL), g);
        }
        Assert.False(await rollup.EnsureBuiltAsync(Ct)); // built: left alone
    }
}
