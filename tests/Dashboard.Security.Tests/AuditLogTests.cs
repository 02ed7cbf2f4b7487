using Dashboard.Data.Storage;
using Dashboard.Security.Audit;
using Dashboard.Security.Jurisdiction;
using Dashboard.Testing;

namespace Dashboard.Security.Tests;

/// <summary>Against the real ClickHouse (DASHBOARD_TEST_CLICKHOUSE), in a throwaway database.</summary>
public class AuditLogTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static AuditEvent At(DateTime time, string user, AuditAction action, AuditResult result = AuditResult.Success, string target = "", string detail = "") =>
        new(time, user, "10.0.0.9", action, target, result, detail);

    [Fact]
    public async Task Events_are_written_and_read_back_with_filters_newest_first()
    {
        await using var db = await TestDatabase.CreateAsync("security_audit", Schema.WithoutSeeds);
        var clock = new ManualClock(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var log = new AuditLog(new ClickHouseDatabase(db.ConnectionString), clock);
        var t = new DateTime(2025, 3, 1, 8, 0, 0, DateTimeKind.Utc);
        var events = new[]
        {
            At(t, "inspector1", AuditAction.SignIn),
            At(t.AddMinutes(1), "inspector1", AuditAction.TargetEdited, target: "T-KS-01", detail: "target_value 0.85 -> 0.9"),
            At(t.AddMinutes(2), AuditEvent.Anonymous, AuditAction.SignInFailed, AuditResult.Failure, detail: "unknown account"),
            At(t.AddMinutes(3), "leader1", AuditAction.AccessDenied, AuditResult.Denied, target: "/odata/Observations", detail: "region 331082 outside jurisdiction"),
            At(t.AddMinutes(4), "leader1", AuditAction.Export, target: "scorecard.xlsx", detail: "引号 ' 与反斜杠 \\ 保留"),
        };
        foreach (var e in events) await log.WriteAsync(e, Ct);

        var all = await log.QueryAsync(new AuditQuery(), Ct);
        Assert.Equal(events.Reverse().Select(e => e.Id), all.Select(e => e.Id));
        Assert.Equal(events[4], all[0]);

        var leader = await log.QueryAsync(new AuditQuery(User: "leader1"), Ct);
        Assert.Equal([AuditAction.Export, AuditAction.AccessDenied], leader.Select(e => e.Action));
        Assert.Single(await log.QueryAsync(new AuditQuery(Result: AuditResult.Denied), Ct));
        Assert.Single(await log.QueryAsync(new AuditQuery(Action: AuditAction.TargetEdited, Target: "T-KS-01"), Ct));
        // [08:01, 08:03): two events.
        Assert.Equal(2, (await log.QueryAsync(new AuditQuery(From: t.AddMinutes(1), To: t.AddMinutes(3)), Ct)).Count);
        // Paging: newest first, 2 per page, second page = events 2 and 1 (0-based).
        Assert.Equal([events[2].Id, events[1].Id], (await log.QueryAsync(new AuditQuery(Limit: 2, Offset: 2), Ct)).Select(e => e.Id));
        // A filter value is data, never SQL.
        Assert.Empty(await log.QueryAsync(new AuditQuery(User: "x' OR 1 = 1 --"), Ct));
    }

    [Fact]
    public async Task Retention_drops_only_whole_months_older_than_the_period_and_never_under_180_days()
    {
        await using var db = await TestDatabase.CreateAsync("security_audit", Schema.WithoutSeeds);
        var clock = new ManualClock(new DateTimeOffset(2024, 1, 15, 0, 0, 0, TimeSpan.Zero));
        var log = new AuditLog(new ClickHouseDatabase(db.ConnectionString), clock);
        foreach (var (y, m) in new[] { (2023, 1), (2023, 6), (2023, 7), (2024, 1) })
            await log.WriteAsync(At(new DateTime(y, m, 10, 12, 0, 0, DateTimeKind.Utc), "u", AuditAction.SignIn), Ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.DropExpiredPartitionsAsync(179, Actor.Console("retention"), Ct));

        // 2024-01-15 minus 180 days = 2023-07-19. June 2023 ends 2023-07-01 (before the cutoff): dropped.
        // July 2023 ends 2023-08-01 (after): kept, although its 10 July event is older than 180 days.
        var dropped = await log.DropExpiredPartitionsAsync(180, Actor.Console("retention"), Ct);
        Assert.Equal([202301, 202306], dropped);
        var left = await log.QueryAsync(new AuditQuery(), Ct);
        Assert.Equal([AuditAction.AuditRetention, AuditAction.SignIn, AuditAction.SignIn], left.Select(e => e.Action));
        Assert.Equal([new DateTime(2024, 1, 10, 12, 0, 0), new DateTime(2023, 7, 10, 12, 0, 0)], left.Skip(1).Select(e => e.Time));
        Assert.Empty(await log.DropExpiredPartitionsAsync(180, Actor.Console("retention"), Ct));
    }
}
