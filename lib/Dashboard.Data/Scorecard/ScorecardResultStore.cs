using System.Collections.Concurrent;
using System.Globalization;
using Dapper;
using Dashboard.ClickHouse.Bulk;
using Dashboard.Data.Storage;

namespace Dashboard.Data.Scorecard;

/// <summary>A scorecard materialised in ClickHouse (table <c>scorecard_results</c>) under a snapshot id.</summary>
/// <param name="Id">The snapshot id (32 hex digits).</param>
/// <param name="AsOf">The as-of date judged.</param>
/// <param name="CreatedAt">When it was computed (UTC).</param>
/// <param name="Rows">How many (region, target) rows it holds.</param>
public sealed record ScorecardSnapshot(string Id, DateOnly AsOf, DateTime CreatedAt, int Rows);

/// <summary>
/// Materialises the engine's scorecard in ClickHouse so that queries over it (OData <c>Scorecard</c>: filter,
/// sort, page, aggregate) run in ClickHouse like every other set, and every page of one listing reads the
/// same numbers. A snapshot per (roots, as-of) is reused for <see cref="ScorecardOptions.ResultCacheSeconds"/>;
/// snapshots are caches, dropped by day after <see cref="ScorecardOptions.ResultRetentionDays"/>.
/// </summary>
public sealed class ScorecardResultStore(ClickHouseDatabase database, ScorecardEngine engine, Dashboard.Data.Catalogue.CatalogueStore catalogue,
    Microsoft.Extensions.Options.IOptions<ScorecardOptions> options, TimeProvider clock)
{
    private static readonly string[] Columns =
    [
        "snapshot_id", "created_at", "region_code", "region_name", "target_id", "target_version", "target_region_code", "indicator_code",
        "as_of", "actual", "actual_period", "expected", "target_value", "deadline", "baseline", "baseline_fallback", "forecast",
        "relative_shortfall", "status", "stale", "will_miss", "inherited", "latest_period", "loaded_at",
        "override_status", "override_reason", "override_author",
    ];

    // One computation per key at a time: concurrent first requests share it instead of each judging the city.
    private readonly ConcurrentDictionary<string, Lazy<Task<ScorecardSnapshot>>> _cache = new(StringComparer.Ordinal);
    private long _lastPruneTicks;

    /// <summary>
    /// The snapshot of every region under <paramref name="roots"/> (null: every top-level region, i.e. everything)
    /// as of <paramref name="asOf"/>: a recent one for the same roots and date, or a new one computed by the engine
    /// and written to ClickHouse.
    /// </summary>
    public async Task<ScorecardSnapshot> GetOrComputeAsync(IReadOnlyCollection<string>? roots, DateOnly asOf, CancellationToken ct)
    {
        var key = (roots is null ? "*" : string.Join(",", roots.Order(StringComparer.Ordinal))) + "@" + asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // The computation must outlive one request's cancellation: others may be waiting on it.
        var lazy = _cache.GetOrAdd(key, _ => new Lazy<Task<ScorecardSnapshot>>(() => ComputeAsync(roots, asOf, CancellationToken.None)));
        ScorecardSnapshot snapshot;
        try
        {
            snapshot = await lazy.Value.WaitAsync(ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // A failed computation must not be cached: the next request tries again.
            _cache.TryRemove(new KeyValuePair<string, Lazy<Task<ScorecardSnapshot>>>(key, lazy));
            throw;
        }
        // Too old for the next caller: forget it, but answer this one with it (it may have been computed just now
        // for this very call, and a cache time shorter than a computation must not loop).
        if (clock.GetUtcNow().UtcDateTime - snapshot.CreatedAt > TimeSpan.FromSeconds(options.Value.ResultCacheSeconds))
            _cache.TryRemove(new KeyValuePair<string, Lazy<Task<ScorecardSnapshot>>>(key, lazy));
        return snapshot;
    }

    /// <summary>
    /// Forgets the reusable snapshots, so the next request judges afresh: called after an edit this process
    /// makes (an override, a target version, an upload). Changes made elsewhere show within the cache time.
    /// </summary>
    public void Invalidate() => _cache.Clear();

    /// <summary>The snapshot with id <paramref name="id"/>, or null when it does not exist (never made, or pruned).</summary>
    public async Task<ScorecardSnapshot?> FindAsync(string id, CancellationToken ct)
    {
        if (!IsSnapshotId(id)) return null;
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<(DateTime AsOf, DateTime CreatedAt, ulong Rows)>(new CommandDefinition(
            "SELECT any(as_of), any(created_at), count() FROM scorecard_results WHERE snapshot_id = @id HAVING count() > 0",
            new { id }, cancellationToken: ct));
        return rows.Select(r => new ScorecardSnapshot(id, DateOnly.FromDateTime(r.AsOf), r.CreatedAt, (int)r.Rows)).FirstOrDefault();
    }

    /// <summary>True for the shape of a snapshot id (32 lower-case hex digits); anything else is never looked up.</summary>
    public static bool IsSnapshotId(string? id) =>
        id is { Length: 32 } && id.All(ch => ch is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>Drops the daily partitions older than the retention (idempotent).</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-options.Value.ResultRetentionDays);
        var limit = int.Parse(cutoff.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        await using var c = await database.OpenAsync(ct);
        var partitions = (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = 'scorecard_results' AND active",
            cancellationToken: ct))).ToList();
        var dropped = 0;
        foreach (var partition in partitions)
        {
            // Partition names are toYYYYMMDD numbers the server made; anything else is left alone, so the
            // number written into ALTER (which takes no parameters there) is always eight digits.
            if (!int.TryParse(partition, NumberStyles.None, CultureInfo.InvariantCulture, out var day) || day >= limit || partition.Length != 8) continue;
            await c.ExecuteAsync(new CommandDefinition(
                "ALTER TABLE scorecard_results DROP PARTITION " + day.ToString(CultureInfo.InvariantCulture), cancellationToken: ct));
            dropped++;
        }
        return dropped;
    }

    private async Task<ScorecardSnapshot> ComputeAsync(IReadOnlyCollection<string>? roots, DateOnly asOf, CancellationToken ct)
    {
        roots ??= await catalogue.GetTopLevelRegionCodesAsync(ct);
        var cards = await Task.WhenAll(roots.Select(root => engine.EvaluateAsync(root, asOf, ct)));
        // A region's row does not depend on which root it was judged under, so overlapping roots merge.
        var rows = cards.SelectMany(c => c.Rows).DistinctBy(r => (r.RegionCode, r.TargetId)).ToList();
        var id = Guid.NewGuid().ToString("N");
        var createdAt = TruncateToSecond(clock.GetUtcNow().UtcDateTime);
        await using (var c = await database.OpenAsync(ct))
        {
            await c.CreateBulkWriter("scorecard_results", Columns).WriteAsync(rows, (r, w) => Write(id, createdAt, r, w), ct);
        }
        await PruneNowAndThenAsync(ct);
        return new ScorecardSnapshot(id, asOf, createdAt, rows.Count);
    }

    private static void Write(string id, DateTime createdAt, ScorecardRow r, ClickHouseRowWriter w)
    {
        w.String(id).DateTime(createdAt).String(r.RegionCode).String(r.RegionName).String(r.TargetId).UInt64(r.TargetVersion)
            .String(r.TargetRegionCode).String(r.IndicatorCode).Date(r.AsOf).Decimal(Round(r.Actual));
        Date(w, r.ActualPeriod).Decimal(Round(r.Expected)).Decimal(Round(r.TargetValue)).Date(r.Deadline).Decimal(Round(r.Baseline))
            .UInt64(r.BaselineFallback ? 1UL : 0UL).Decimal(Round(r.Forecast)).Decimal(Round(r.RelativeShortfall)).String(r.Status.ToString())
            .UInt64(r.Stale ? 1UL : 0UL).UInt64(r.WillMiss ? 1UL : 0UL).UInt64(r.Inherited ? 1UL : 0UL);
        Date(w, r.LatestPeriod);
        if (r.LoadedAt is { } loaded) w.DateTime(loaded); else w.Null();
        w.String(r.Override?.Status.ToString() ?? "").String(r.Override?.Reason ?? "").String(r.Override?.Author ?? "");
    }

    private static ClickHouseRowWriter Date(ClickHouseRowWriter w, DateOnly? value) => value is { } d ? w.Date(d) : w.Null();

    // The column keeps six decimals; rounding here keeps the server from refusing longer fractions.
    private static decimal? Round(decimal? value) => value is { } v ? Math.Round(v, 6, MidpointRounding.AwayFromZero) : null;

    private static DateTime TruncateToSecond(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private async Task PruneNowAndThenAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastPruneTicks);
        if (now - last < TimeSpan.TicksPerHour || Interlocked.CompareExchange(ref _lastPruneTicks, now, last) != last) return;
        await PruneAsync(ct);
    }
}
