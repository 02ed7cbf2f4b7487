using Dapper;
using Dashboard.Data.Storage;

namespace Dashboard.Reports.Delivery;

/// <summary>A notice in the app, addressed to a role within a region.</summary>
/// <param name="Id">32 hex digits.</param>
/// <param name="CreatedAt">When (UTC, whole seconds).</param>
/// <param name="Role">The role addressed (a role name, e.g. ReportOffice).</param>
/// <param name="RegionCode">The region it concerns: users of the role whose jurisdiction covers it see it.</param>
/// <param name="Kind">What it is about (e.g. ReportGenerated).</param>
/// <param name="Title">One line, fit to show in a list.</param>
/// <param name="Body">The details.</param>
/// <param name="ReportId">The report it announces, or null.</param>
public sealed record Notification(string Id, DateTime CreatedAt, string Role, string RegionCode, string Kind, string Title, string Body, string? ReportId);

/// <summary>A notice as one user sees it.</summary>
/// <param name="Notification">The notice.</param>
/// <param name="ReadAt">When this user marked it read (UTC), or null while unread.</param>
public sealed record UserNotification(Notification Notification, DateTime? ReadAt);

/// <summary>
/// Notices in ClickHouse (sql/0011_report_delivery.sql), insert only. A notice is addressed to a role within a
/// region rather than to listed accounts, so the writer (the jobs host) needs no access to the user store.
/// </summary>
public sealed class NotificationStore(ClickHouseDatabase database)
{
    /// <summary>The kind of the notice announcing a new bulletin.</summary>
    public const string ReportGenerated = "ReportGenerated";

    /// <summary>Stores a notice.</summary>
    public async Task AddAsync(Notification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO notifications (id, created_at, role, region_code, kind, title, body, report_id)
            VALUES (@Id, @CreatedAt, @Role, @RegionCode, @Kind, @Title, @Body, @reportId)
            """, new
        {
            notification.Id, CreatedAt = DateTime.SpecifyKind(notification.CreatedAt, DateTimeKind.Utc), notification.Role, notification.RegionCode,
            notification.Kind, notification.Title, notification.Body, reportId = notification.ReportId ?? "",
        }, cancellationToken: ct));
    }

    /// <summary>
    /// The newest notices (at most <paramref name="limit"/>) addressed to any of <paramref name="roles"/> within
    /// the subtrees of <paramref name="regionRoots"/>, unread first, each newest first, with this user's read marks.
    /// </summary>
    public async Task<IReadOnlyList<UserNotification>> ListAsync(string userName, IReadOnlyCollection<string> roles, IReadOnlyCollection<string> regionRoots,
        int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(regionRoots);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (roles.Count == 0 || regionRoots.Count == 0) return [];
        await using var c = await database.OpenAsync(ct);
        var notices = (await c.QueryAsync<Row>(new CommandDefinition("""
            SELECT id AS Id, created_at AS CreatedAt, role AS Role, region_code AS RegionCode, kind AS Kind, title AS Title, body AS Body, report_id AS ReportId
            FROM notifications
            WHERE role IN @roles AND region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @roots)
            ORDER BY created_at DESC, id DESC
            LIMIT @limit
            """, new { roles = roles.ToArray(), roots = regionRoots.ToArray(), limit }, cancellationToken: ct))).Select(r => r.ToNotification()).ToList();
        var reads = await ReadsAsync(c, userName, notices.Select(n => n.Id).ToArray(), ct);
        return notices.Select(n => new UserNotification(n, reads.TryGetValue(n.Id, out var at) ? at : null))
            .OrderBy(n => n.ReadAt is null ? 0 : 1).ThenByDescending(n => n.Notification.CreatedAt).ThenByDescending(n => n.Notification.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The notice with this id, or null.</summary>
    public async Task<Notification?> FindAsync(string id, CancellationToken ct)
    {
        if (!IsId(id)) return null;
        await using var c = await database.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT id AS Id, created_at AS CreatedAt, role AS Role, region_code AS RegionCode, kind AS Kind, title AS Title, body AS Body, report_id AS ReportId
            FROM notifications WHERE id = @id LIMIT 1
            """, new { id }, cancellationToken: ct));
        return row?.ToNotification();
    }

    /// <summary>Marks a notice read for a user (idempotent: the first mark's time is the one kept); returns that time.</summary>
    public async Task<DateTime> MarkReadAsync(string id, string userName, DateTime nowUtc, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        await using var c = await database.OpenAsync(ct);
        if ((await ReadsAsync(c, userName, [id], ct)).TryGetValue(id, out var at)) return at;
        var now = DateTime.SpecifyKind(nowUtc.AddTicks(-(nowUtc.Ticks % TimeSpan.TicksPerSecond)), DateTimeKind.Utc);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO notification_reads (notification_id, user, read_at) VALUES (@id, @userName, @now)", new { id, userName, now }, cancellationToken: ct));
        return now;
    }

    /// <summary>True for the shape of a notice id (32 lower-case hex digits); anything else is never looked up.</summary>
    public static bool IsId(string? id) => id is { Length: 32 } && id.All(ch => ch is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static async Task<Dictionary<string, DateTime>> ReadsAsync(Dashboard.ClickHouse.Ado.ClickHouseConnection c, string userName, string[] ids, CancellationToken ct)
    {
        if (ids.Length == 0) return new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var rows = await c.QueryAsync<(string Id, DateTime ReadAt)>(new CommandDefinition(
            "SELECT notification_id, min(read_at) FROM notification_reads WHERE user = @userName AND notification_id IN @ids GROUP BY notification_id",
            new { userName, ids }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id, r => DateTime.SpecifyKind(r.ReadAt, DateTimeKind.Utc), StringComparer.Ordinal);
    }

    // A class with setters, not a positional record: Dapper then converts column types per property.
    private sealed class Row
    {
        public string Id { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public string Role { get; init; } = "";
        public string RegionCode { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Title { get; init; } = "";
        public string Body { get; init; } = "";
        public string ReportId { get; init; } = "";

        public Notification ToNotification() => new(Id, DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc), Role, RegionCode, Kind, Title, Body,
            ReportId.Length == 0 ? null : ReportId);
    }
}
