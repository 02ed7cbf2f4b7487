using System.Globalization;
using Dapper;
using Dashboard.Data.Storage;

namespace Dashboard.Security.Audit;

/// <summary>Filters for reading the audit trail; every one optional.</summary>
/// <param name="From">Events at or after this time (UTC).</param>
/// <param name="To">Events before this time (UTC).</param>
/// <param name="User">Exactly this account name.</param>
/// <param name="Action">Exactly this action.</param>
/// <param name="Result">Exactly this result.</param>
/// <param name="Target">Exactly this object (target).</param>
/// <param name="Limit">At most this many rows, newest first (1..1000).</param>
/// <param name="Offset">Rows to skip.</param>
public sealed record AuditQuery(DateTime? From = null, DateTime? To = null, string? User = null, AuditAction? Action = null,
    AuditResult? Result = null, string? Target = null, int Limit = 100, int Offset = 0);

/// <summary>
/// The audit trail in ClickHouse table <c>audit_log</c> (sql/0009_audit.sql): append-only, read with
/// filters, and pruned only by whole months older than a retention of at least 180 days.
/// </summary>
public sealed class AuditLog(ClickHouseDatabase database, TimeProvider clock) : IAuditSink
{
    /// <summary>The shortest retention the baseline allows (GB/T 22239-2019 asks for at least six months).</summary>
    public const int MinimumRetentionDays = 180;

    private const int MaxText = 2000;

    /// <inheritdoc />
    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        await using var c = await database.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (time, event_id, user, address, action, object, result, detail)
            VALUES (@time, @id, @user, @address, @action, @object, @result, @detail)
            """, new
        {
            time = DateTime.SpecifyKind(auditEvent.Time, DateTimeKind.Utc),
            id = auditEvent.Id.ToString("N"),
            user = Clip(auditEvent.User),
            address = Clip(auditEvent.Address),
            action = auditEvent.Action.ToString(),
            @object = Clip(auditEvent.Target),
            result = auditEvent.Result.ToString(),
            detail = Clip(auditEvent.Detail),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>Reads events matching <paramref name="query"/>, newest first.</summary>
    public async Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(query), "Limit must be 1..1000.");
        if (query.Offset < 0) throw new ArgumentOutOfRangeException(nameof(query), "Offset must not be negative.");
        // Conditions are fixed text chosen by which filters are present; every value is a parameter.
        var where = new List<string> { "1 = 1" };
        var p = new DynamicParameters();
        if (query.From is { } from) { where.Add("time >= @from"); p.Add("from", DateTime.SpecifyKind(from, DateTimeKind.Utc)); }
        if (query.To is { } to) { where.Add("time < @to"); p.Add("to", DateTime.SpecifyKind(to, DateTimeKind.Utc)); }
        if (query.User is { } user) { where.Add("user = @user"); p.Add("user", user); }
        if (query.Action is { } action) { where.Add("action = @action"); p.Add("action", action.ToString()); }
        if (query.Result is { } result) { where.Add("result = @result"); p.Add("result", result.ToString()); }
        if (query.Target is { } obj) { where.Add("object = @object"); p.Add("object", obj); }
        p.Add("limit", query.Limit);
        p.Add("offset", query.Offset);
        // LIMIT 1 BY drops a retried insert's duplicate; after LIMIT BY, 18.16 accepts only the
        // "LIMIT offset, count" spelling of paging (not "LIMIT n OFFSET m").
        var sql = $"""
            SELECT time, user, address, action, object, result, detail, event_id AS EventId
            FROM audit_log
            WHERE {string.Join(" AND ", where)}
            ORDER BY time DESC, event_id DESC
            LIMIT 1 BY event_id
            LIMIT @offset, @limit
            """;
        await using var c = await database.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<AuditRow>(new CommandDefinition(sql, p, cancellationToken: cancellationToken));
        return rows.Select(r => new AuditEvent(DateTime.SpecifyKind(r.Time, DateTimeKind.Utc), r.User, r.Address,
            Enum.TryParse<AuditAction>(r.Action, out var a) ? a : throw new InvalidDataException($"Unknown audit action '{r.Action}'."),
            r.Object,
            Enum.TryParse<AuditResult>(r.Result, out var res) ? res : throw new InvalidDataException($"Unknown audit result '{r.Result}'."),
            r.Detail) { Id = Guid.ParseExact(r.EventId, "N") }).ToList();
    }

    /// <summary>
    /// Drops the monthly partitions whose every event is older than <paramref name="retentionDays"/>
    /// (a month goes only once its last day has aged past the cutoff), and records that it did.
    /// </summary>
    /// <param name="retentionDays">At least <see cref="MinimumRetentionDays"/>.</param>
    /// <param name="actor">Who runs the retention.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The dropped partitions (YYYYMM), oldest first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The retention is shorter than 180 days.</exception>
    public async Task<IReadOnlyList<int>> DropExpiredPartitionsAsync(int retentionDays, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionDays, MinimumRetentionDays);
        var now = clock.GetUtcNow().UtcDateTime;
        var cutoff = now.AddDays(-retentionDays);
        await using var c = await database.OpenAsync(cancellationToken);
        var partitions = (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = 'audit_log' AND active",
            cancellationToken: cancellationToken))).ToList();
        var dropped = new List<int>();
        foreach (var partition in partitions.Order(StringComparer.Ordinal))
        {
            // Only six-digit YYYYMM names the server made are considered, so the number written into
            // ALTER (which takes no parameters there) is always a validated integer.
            if (partition.Length != 6 || !int.TryParse(partition, NumberStyles.None, CultureInfo.InvariantCulture, out var yyyymm)) continue;
            int year = yyyymm / 100, month = yyyymm % 100;
            if (month is < 1 or > 12) continue;
            var monthEnd = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            if (monthEnd > cutoff) continue;
            await c.ExecuteAsync(new CommandDefinition(
                "ALTER TABLE audit_log DROP PARTITION " + yyyymm.ToString(CultureInfo.InvariantCulture), cancellationToken: cancellationToken));
            dropped.Add(yyyymm);
        }
        if (dropped.Count > 0)
            await WriteAsync(new AuditEvent(now, actor.UserName, actor.Address, AuditAction.AuditRetention, "audit_log", AuditResult.Success,
                $"retention {retentionDays} days; dropped months {string.Join(",", dropped)}"), cancellationToken);
        return dropped;
    }

    private static string Clip(string? text) => text is null ? "" : text.Length <= MaxText ? text : text[..MaxText];

    private sealed class AuditRow
    {
        public DateTime Time { get; set; }
        public string User { get; set; } = "";
        public string Address { get; set; } = "";
        public string Action { get; set; } = "";
        public string Object { get; set; } = "";
        public string Result { get; set; } = "";
        public string Detail { get; set; } = "";
        public string EventId { get; set; } = "";
    }
}
