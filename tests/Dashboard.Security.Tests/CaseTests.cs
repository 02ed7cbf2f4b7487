using Dashboard.Security.Audit;
using Dashboard.Security.Cases;

namespace Dashboard.Security.Tests;

public class CaseTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Actor Inspector = new("inspector1", "10.1.1.1");

    [Theory]
    [InlineData(CaseStatus.Open, CaseStatus.Rectifying, true)]
    [InlineData(CaseStatus.Rectifying, CaseStatus.ReInspected, true)]
    [InlineData(CaseStatus.ReInspected, CaseStatus.Closed, true)]
    [InlineData(CaseStatus.ReInspected, CaseStatus.Rectifying, true)]
    [InlineData(CaseStatus.Open, CaseStatus.Closed, false)]
    [InlineData(CaseStatus.Open, CaseStatus.ReInspected, false)]
    [InlineData(CaseStatus.Rectifying, CaseStatus.Closed, false)]
    [InlineData(CaseStatus.Rectifying, CaseStatus.Open, false)]
    [InlineData(CaseStatus.Closed, CaseStatus.Open, false)]
    [InlineData(CaseStatus.Closed, CaseStatus.Rectifying, false)]
    [InlineData(CaseStatus.Open, CaseStatus.Open, false)]
    public void Transitions(CaseStatus from, CaseStatus to, bool allowed) => Assert.Equal(allowed, CaseStore.CanMove(from, to));

    [Fact]
    public async Task A_case_walks_its_statuses_with_history_and_refuses_skips()
    {
        await using var h = await Harness.CreateAsync();
        var c = await h.Cases.CreateAsync(new NewCase("320583", "T-KS-01", "昆山市教育局", "学前教育普及率未达标", new DateOnly(2025, 6, 30)), Inspector, Ct);
        Assert.Equal(CaseStatus.Open, c.Status);

        var skip = await Assert.ThrowsAsync<CaseException>(() => h.Cases.MoveAsync(c.Id, CaseStatus.Closed, "", Inspector, Ct));
        Assert.Equal("督导事项不能从“待整改”改为“已销号”", skip.Message);

        h.Clock.Advance(TimeSpan.FromDays(1));
        await h.Cases.MoveAsync(c.Id, CaseStatus.Rectifying, "已下发整改通知", Inspector, Ct);
        await h.Cases.MoveAsync(c.Id, CaseStatus.ReInspected, "", Inspector, Ct);
        await h.Cases.MoveAsync(c.Id, CaseStatus.Rectifying, "复查未通过", Inspector, Ct);
        await h.Cases.MoveAsync(c.Id, CaseStatus.ReInspected, "", Inspector, Ct);
        var closed = await h.Cases.MoveAsync(c.Id, CaseStatus.Closed, "销号", Inspector, Ct);
        Assert.Equal(CaseStatus.Closed, closed.Status);
        Assert.Equal(Harness.Start.AddDays(1), closed.UpdatedAt);
        await Assert.ThrowsAsync<CaseException>(() => h.Cases.MoveAsync(c.Id, CaseStatus.Rectifying, "", Inspector, Ct));

        var history = await h.Cases.GetHistoryAsync(c.Id, Ct);
        // Creation + 5 moves; the refused moves left no trace here.
        Assert.Equal([1, 2, 3, 4, 5, 6], history.Select(x => x.Sequence));
        Assert.Equal([null, CaseStatus.Open, CaseStatus.Rectifying, CaseStatus.ReInspected, CaseStatus.Rectifying, CaseStatus.ReInspected], history.Select(x => x.From));
        Assert.Equal([CaseStatus.Open, CaseStatus.Rectifying, CaseStatus.ReInspected, CaseStatus.Rectifying, CaseStatus.ReInspected, CaseStatus.Closed], history.Select(x => x.To));
        Assert.Equal("复查未通过", history[3].Note);
        // ... but the audit trail has them: 5 successes, 2 failures.
        Assert.Equal(5, h.Audit.Events.Count(e => e.Action == AuditAction.CaseStatusChanged && e.Result == AuditResult.Success));
        Assert.Equal(2, h.Audit.Events.Count(e => e.Action == AuditAction.CaseStatusChanged && e.Result == AuditResult.Failure));
    }

    [Fact]
    public async Task A_note_is_kept_trimmed_and_an_overlong_one_is_refused_without_moving_the_case()
    {
        await using var h = await Harness.CreateAsync();
        var c = await h.Cases.CreateAsync(new NewCase("320583", "T1", "昆山", "a", new DateOnly(2025, 6, 30)), Inspector, Ct);
        var e = await Assert.ThrowsAsync<CaseException>(() => h.Cases.MoveAsync(c.Id, CaseStatus.Rectifying, new string('长', CaseStore.MaxNoteLength + 1), Inspector, Ct));
        Assert.Contains("500", e.Message, StringComparison.Ordinal);
        Assert.Equal(CaseStatus.Open, (await h.Cases.GetAsync(c.Id, Ct))!.Status);
        await h.Cases.MoveAsync(c.Id, CaseStatus.Rectifying, "  已约谈 ", Inspector, Ct);
        Assert.Equal("已约谈", (await h.Cases.GetHistoryAsync(c.Id, Ct))[^1].Note);
    }

    [Fact]
    public async Task Listing_is_limited_to_the_scope()
    {
        await using var h = await Harness.CreateAsync();
        await h.Cases.CreateAsync(new NewCase("320583", "T1", "昆山", "a", new DateOnly(2025, 6, 30)), Inspector, Ct);
        await h.Cases.CreateAsync(new NewCase("320583100", "T1", "玉山镇", "b", new DateOnly(2025, 5, 31)), Inspector, Ct);
        await h.Cases.CreateAsync(new NewCase("331082", "T2", "临海", "c", new DateOnly(2025, 7, 31)), Inspector, Ct);

        var scope = new HashSet<string> { "320583", "320583100" };
        Assert.Equal(["b", "a"], (await h.Cases.ListAsync(scope, null, Ct)).Select(x => x.Title));
        Assert.Empty(await h.Cases.ListAsync(new HashSet<string>(), null, Ct));
        Assert.Single(await h.Cases.ListAsync(new HashSet<string> { "331082" }, CaseStatus.Open, Ct));
        Assert.Empty(await h.Cases.ListAsync(new HashSet<string> { "331082" }, CaseStatus.Closed, Ct));

        // A city with its schools: more codes than are listed in the SQL; the same answer, filtered in memory.
        var large = new HashSet<string>(Enumerable.Range(0, CaseStore.MaxListedRegions).Select(i => $"320583{i:D6}")) { "320583", "320583100" };
        Assert.True(large.Count > CaseStore.MaxListedRegions);
        Assert.Equal(["b", "a"], (await h.Cases.ListAsync(large, null, Ct)).Select(x => x.Title));
        Assert.Equal(["b", "a"], (await h.Cases.ListAsync(large, CaseStatus.Open, Ct)).Select(x => x.Title));
        Assert.Empty(await h.Cases.ListAsync(large, CaseStatus.Closed, Ct));
    }
}
