using Dashboard.ClickHouse.Ado;
using Dapper;
using Dashboard.Data.Storage;

namespace Dashboard.Data.Scorecard;

/// <summary>
/// Keeps <c>observation_rollup</c> (sql/0013) current: the current revision of every observation summed per
/// judged region (the observation's region, or a school's parent), indicator and period. The scorecard engine
/// reads these few rows instead of aggregating every observation on each scorecard; ingestion refreshes the
/// groups a write touched, right after the write.
/// </summary>
public sealed class ObservationRollup(ClickHouseDatabase database)
{
    // Current revision per observation (argMax on version), mapped to its judged region and summed there.
    // The same aggregation as ScorecardEngine.RollUpSql with schools collapsed, so both give equal sums.
    // ALL, not ANY: each region appears once on the right, so both mean the same on 18.16, but the current
    // ClickHouse makes ANY INNER JOIN keep one left row per key and silently drops the rest.
    private const string GroupsSql = """
        SELECT m.judged AS j, o.indicator_code AS i, o.period AS p,
               sum(o.num) AS n, sum(o.den) AS d, sum(o.val) AS s, max(o.val) AS x, max(o.loaded) AS l, count() AS c
        FROM
        (
            SELECT region_code, indicator_code, period,
                   argMax(numerator, version) AS num, argMax(denominator, version) AS den, argMax(value, version) AS val,
                   argMax(loaded_at, version) AS loaded
            FROM observations
            WHERE {observations}
            GROUP BY region_code, indicator_code, period
        ) AS o
        ALL INNER JOIN
        (
            SELECT code AS region_code, if(level = 'School', parent_code, code) AS judged
            FROM regions FINAL
            WHERE {regions}
        ) AS m USING region_code
        GROUP BY j, i, p
        """;

    private const string Columns = "judged_code, indicator_code, period, numerator, denominator, sum_value, max_value, loaded_at, rows, version";

    /// <summary>
    /// Recomputes the groups that observations of these keys belong to: every judged region they map to, for
    /// the indicators and periods written (a superset of the groups touched, which is harmless: each is
    /// recomputed from the current observations).
    /// </summary>
    public async Task RefreshAsync(IEnumerable<(string Region, string Indicator, DateOnly Period)> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToList();
        if (list.Count == 0) return;
        var regions = list.Select(k => k.Region).Distinct(StringComparer.Ordinal).ToArray();
        var indicators = list.Select(k => k.Indicator).Distinct(StringComparer.Ordinal).ToArray();
        var periods = list.Select(k => k.Period).Distinct().ToArray();
        await using var c = await database.OpenAsync(ct);
        var judged = (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT if(level = 'School', parent_code, code) FROM regions FINAL WHERE code IN @regions",
            new { regions }, cancellationToken: ct))).ToArray();
        if (judged.Length == 0) return;
        // Every observation of the judged regions themselves and of their schools, for these indicators and periods.
        const string members = "code IN @judged OR (level = 'School' AND parent_code IN @judged)";
        var sql = $"INSERT INTO observation_rollup ({Columns}) SELECT j, i, p, n, d, s, x, l, c, @version FROM (" +
                  GroupsSql.Replace("{observations}", $"indicator_code IN @indicators AND period IN @periods AND region_code IN (SELECT code FROM regions FINAL WHERE {members})", StringComparison.Ordinal)
                           .Replace("{regions}", members, StringComparison.Ordinal) + ")";
        await c.ExecuteAsync(new CommandDefinition(sql, new { judged, indicators, periods, version = NextVersion() }, cancellationToken: ct));
    }

    /// <summary>
    /// Recomputes the whole table from the observations into a new table and swaps it in, so groups that no
    /// longer exist (after a change of the region hierarchy) go too. Refreshes made during a rebuild may be lost:
    /// rebuild when no pull is writing — after a bulk load that bypassed ingestion, after a change of the
    /// hierarchy, or when upgrading a database that holds observations from before sql/0013.
    /// </summary>
    /// <remarks>
    /// The one statement groups every observation key at once. At province scale (100M observations) that needs
    /// more than ClickHouse's 8 GB query limit (7.5 GiB measured, code 241); the same groups are then built one
    /// indicator at a time — a group never spans indicators, so the result is identical — and swapped in the same way.
    /// </remarks>
    /// <returns>How the table was built.</returns>
    public async Task<RollupRebuild> RebuildAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var version = NextVersion();
        string Insert(string observations) => $"INSERT INTO observation_rollup_new ({Columns}) SELECT j, i, p, n, d, s, x, l, c, @version FROM (" +
            GroupsSql.Replace("{observations}", observations, StringComparison.Ordinal).Replace("{regions}", "1", StringComparison.Ordinal) + ")";
        await NewTableAsync(c, ct);
        RollupRebuild method;
        try
        {
            await c.ExecuteAsync(new CommandDefinition(Insert("1"), new { version }, cancellationToken: ct));
            method = RollupRebuild.Whole;
        }
        catch (ClickHouseException e) when (e.ServerCode == 241)
        {
            await NewTableAsync(c, ct);
            var indicators = await c.QueryAsync<string>(new CommandDefinition("SELECT DISTINCT indicator_code FROM observations", cancellationToken: ct));
            foreach (var indicator in indicators)
                await c.ExecuteAsync(new CommandDefinition(Insert("indicator_code = @indicator"), new { version, indicator }, cancellationToken: ct));
            method = RollupRebuild.PerIndicator;
        }
        await c.ExecuteAsync(new CommandDefinition("DROP TABLE IF EXISTS observation_rollup_old", cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "RENAME TABLE observation_rollup TO observation_rollup_old, observation_rollup_new TO observation_rollup", cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("DROP TABLE observation_rollup_old", cancellationToken: ct));
        return method;
    }

    private static async Task NewTableAsync(System.Data.Common.DbConnection c, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition("DROP TABLE IF EXISTS observation_rollup_new", cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("CREATE TABLE observation_rollup_new AS observation_rollup", cancellationToken: ct));
    }

    /// <summary>
    /// Rebuilds the table when it is empty while observations exist, and says whether it did: a database that held
    /// observations before sql/0013 was applied, or one loaded in bulk without ingestion, would otherwise show no
    /// data in the scorecard. The migrator runs this after applying migrations.
    /// </summary>
    public async Task<bool> EnsureBuiltAsync(CancellationToken ct)
    {
        await using (var c = await database.OpenAsync(ct))
        {
            // A database migrated from another folder (a test's, a partial one) may have neither table.
            var tables = await c.ExecuteScalarAsync<ulong>(new CommandDefinition(
                "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name IN ('observations', 'observation_rollup')", cancellationToken: ct));
            if (tables < 2) return false;
            var observations = await c.ExecuteScalarAsync<ulong>(new CommandDefinition("SELECT count() FROM (SELECT 1 FROM observations LIMIT 1)", cancellationToken: ct));
            var groups = await c.ExecuteScalarAsync<ulong>(new CommandDefinition("SELECT count() FROM (SELECT 1 FROM observation_rollup LIMIT 1)", cancellationToken: ct));
            if (observations == 0 || groups > 0) return false;
        }
        await RebuildAsync(ct);
        return true;
    }

    // Ticks order two refreshes of one group made in the same second; Interlocked keeps them strictly rising in-process.
    private static long _last;

    private static ulong NextVersion()
    {
        while (true)
        {
            var now = DateTime.UtcNow.Ticks;
            var last = Interlocked.Read(ref _last);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last) return (ulong)next;
        }
    }
}

/// <summary>How <see cref="ObservationRollup.RebuildAsync"/> built the table.</summary>
public enum RollupRebuild
{
    /// <summary>In one statement over every observation.</summary>
    Whole,

    /// <summary>One indicator at a time: the one statement exceeded ClickHouse's memory limit.</summary>
    PerIndicator,
}
