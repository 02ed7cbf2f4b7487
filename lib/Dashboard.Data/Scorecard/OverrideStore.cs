using Dapper;
using Dashboard.Data.Storage;

namespace Dashboard.Data.Scorecard;

/// <summary>Inspector overrides: appended, never updated; the latest valid one is shown beside the computed rating.</summary>
public sealed class OverrideStore(ClickHouseDatabase database)
{
    /// <summary>Records an override of the rating of <paramref name="regionCode"/> against <paramref name="targetId"/>.</summary>
    /// <exception cref="ArgumentException">The reason is empty: an override without a written reason is refused.</exception>
    public async Task AddAsync(string regionCode, string targetId, ScorecardStatus status, string reason, string author, DateOnly validFrom, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new ArgumentException("An override needs a written reason.", nameof(reason));
        var now = DateTime.UtcNow;
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO rating_overrides (region_code, target_id, status, reason, author, created_at, valid_from, version)
            VALUES (@regionCode, @targetId, @status, @reason, @author, @createdAt, @validFrom, @version)
            """, new { regionCode, targetId, status = status.ToString(), reason, author, createdAt = now, validFrom, version = (ulong)now.Ticks }, cancellationToken: ct));
    }

    /// <summary>Every override of <paramref name="regionCode"/> (optionally against one target), newest first.</summary>
    public async Task<IReadOnlyList<StoredOverride>> ListAsync(string regionCode, string? targetId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<(string RegionCode, string TargetId, string Status, string Reason, string Author, DateTime CreatedAt, DateTime ValidFrom)>(
            new CommandDefinition("""
                SELECT region_code, target_id, status, reason, author, created_at, valid_from
                FROM rating_overrides
                WHERE region_code = @regionCode AND (@targetId = '' OR target_id = @targetId)
                ORDER BY version DESC
                """, new { regionCode, targetId = targetId ?? "" }, cancellationToken: ct));
        return rows.Select(r => new StoredOverride(r.RegionCode, r.TargetId,
            new RatingOverride(Enum.Parse<ScorecardStatus>(r.Status), r.Reason, r.Author, DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc), DateOnly.FromDateTime(r.ValidFrom)))).ToList();
    }
}

/// <summary>An override as stored: which region and target it judges, and the override itself.</summary>
/// <param name="RegionCode">The region.</param>
/// <param name="TargetId">The target.</param>
/// <param name="Override">The status, reason, author, time and first as-of date.</param>
public sealed record StoredOverride(string RegionCode, string TargetId, RatingOverride Override);
