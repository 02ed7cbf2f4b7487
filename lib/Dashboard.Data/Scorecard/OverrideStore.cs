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
}
