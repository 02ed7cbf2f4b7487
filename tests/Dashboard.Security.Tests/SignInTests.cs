using Dapper;
using Dashboard.Security.Audit;
using Dashboard.Security.Passwords;
using Dashboard.Security.Roles;
using Dashboard.Security.SignIn;

namespace Dashboard.Security.Tests;

public class SignInTests
{
    private const string Pw = "Kqzvmwt9!";
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Lockout_after_exactly_five_failures_and_release_after_fifteen_minutes()
    {
        await using var h = await Harness.CreateAsync();
        await h.CreateUserAsync("inspector1", Pw, [Role.Inspector], ["320583"]);

        // Four failures do not lock; a success resets the count.
        for (var i = 0; i < 4; i++) Assert.False((await h.SignIn.SignInAsync("inspector1", "wrong-" + i, Harness.Address, Ct)).Succeeded);
        Assert.True((await h.SignIn.SignInAsync("inspector1", Pw, Harness.Address, Ct)).Succeeded);

        // Four more after the reset still do not lock (the count restarted at 0).
        for (var i = 0; i < 4; i++) await h.SignIn.SignInAsync("inspector1", "wrong", Harness.Address, Ct);
        Assert.True((await h.SignIn.SignInAsync("inspector1", Pw, Harness.Address, Ct)).Succeeded);

        // Five in a row lock at the fifth.
        var lockedAt = h.Clock.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            var r = await h.SignIn.SignInAsync("INSPECTOR1", "wrong", Harness.Address, Ct);
            Assert.Equal(SignInService.GenericFailure, r.Message);
        }
        Assert.Single(h.Audit.Events, e => e.Action == AuditAction.Lockout);
        var user = await h.Users.FindByNameAsync("inspector1", Ct);
        Assert.Equal(lockedAt.AddMinutes(15), user!.LockedUntil);

        // The right password is refused with the same message while locked: at +0 and at +14:59.
        var during = await h.SignIn.SignInAsync("inspector1", Pw, Harness.Address, Ct);
        Assert.False(during.Succeeded);
        Assert.Equal(SignInService.GenericFailure, during.Message);
        h.Clock.Advance(TimeSpan.FromMinutes(14) + TimeSpan.FromSeconds(59));
        Assert.False((await h.SignIn.SignInAsync("inspector1", Pw, Harness.Address, Ct)).Succeeded);

        // At +15:00 the lock has run out.
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await h.SignIn.SignInAsync("inspector1", Pw, Harness.Address, Ct)).Succeeded);
        Assert.Null((await h.Users.FindByNameAsync("inspector1", Ct))!.LockedUntil);
    }

    [Fact]
    public async Task Unknown_accounts_get_the_same_message_and_the_typed_name_is_not_audited()
    {
        await using var h = await Harness.CreateAsync();
        var r = await h.SignIn.SignInAsync("MySecretPassword!", "whatever", Harness.Address, Ct);
        Assert.False(r.Succeeded);
        Assert.Equal("用户名或密码错误，或账户已锁定", r.Message);
        var e = Assert.Single(h.Audit.Events);
        Assert.Equal(AuditAction.SignInFailed, e.Action);
        Assert.Equal(AuditEvent.Anonymous, e.User);
        Assert.DoesNotContain(h.Audit.Events, x => (x.User + x.Target + x.Detail).Contains("MySecret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_time_password_forces_a_change_then_the_session_is_released()
    {
        await using var h = await Harness.CreateAsync();
        var created = await h.Users.CreateAsync(new("leader1", "领导", [Role.Leader], ["320500"]), Harness.Admin, Ct);
        Assert.True(created.User.MustChangePassword);

        var first = await h.SignIn.SignInAsync("leader1", created.OneTimePassword, Harness.Address, Ct);
        Assert.Equal(PasswordChangeReason.OneTimePassword, first.MustChange);
        Assert.True((await h.Sessions.ValidateAsync(first.Ticket!.Token, Ct))!.MustChangePassword);

        // The one-time password itself cannot be kept (history includes the current password).
        var same = await h.SignIn.ChangePasswordAsync(first.Ticket.Token, created.OneTimePassword, created.OneTimePassword, Harness.Address, Ct);
        Assert.Equal([PasswordPolicy.Reused], same.Errors);
        var weak = await h.SignIn.ChangePasswordAsync(first.Ticket.Token, created.OneTimePassword, "Password1!", Harness.Address, Ct);
        Assert.Equal([PasswordPolicy.TooCommon], weak.Errors);
        var wrongCurrent = await h.SignIn.ChangePasswordAsync(first.Ticket.Token, "nope", Pw, Harness.Address, Ct);
        Assert.False(wrongCurrent.Succeeded);

        Assert.True((await h.SignIn.ChangePasswordAsync(first.Ticket.Token, created.OneTimePassword, Pw, Harness.Address, Ct)).Succeeded);
        var principal = await h.Sessions.ValidateAsync(first.Ticket.Token, Ct);
        Assert.False(principal!.MustChangePassword);
        Assert.Equal(["320500"], principal.Regions);
        Assert.Equal(PasswordChangeReason.None, (await h.SignIn.SignInAsync("leader1", Pw, Harness.Address, Ct)).MustChange);
        // No password or hash reached the audit trail.
        Assert.DoesNotContain(h.Audit.Events, e => (e.Target + e.Detail).Contains(Pw, StringComparison.Ordinal)
            || (e.Target + e.Detail).Contains(created.OneTimePassword, StringComparison.Ordinal) || e.Detail.Contains("AQAAAA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Password_expires_at_ninety_days()
    {
        await using var h = await Harness.CreateAsync();
        await h.CreateUserAsync("officer1", Pw, [Role.DistrictOfficer], ["320583"]);
        // Changed at Start. 89 days 23:59 later it is still valid ...
        h.Clock.Advance(TimeSpan.FromDays(89) + TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59));
        Assert.Equal(PasswordChangeReason.None, (await h.SignIn.SignInAsync("officer1", Pw, Harness.Address, Ct)).MustChange);
        // ... and at exactly 90 days a change is forced.
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        var r = await h.SignIn.SignInAsync("officer1", Pw, Harness.Address, Ct);
        Assert.True(r.Succeeded);
        Assert.Equal(PasswordChangeReason.Expired, r.MustChange);
        Assert.True((await h.Sessions.ValidateAsync(r.Ticket!.Token, Ct))!.MustChangePassword);

        Assert.True((await h.SignIn.ChangePasswordAsync(r.Ticket.Token, Pw, "Zmxncbv7#", Harness.Address, Ct)).Succeeded);
        Assert.Equal(PasswordChangeReason.None, (await h.SignIn.SignInAsync("officer1", "Zmxncbv7#", Harness.Address, Ct)).MustChange);
    }

    [Fact]
    public async Task Recent_passwords_are_refused()
    {
        await using var h = await Harness.CreateAsync(new SecurityOptions { PasswordHistory = 3 });
        var user = await h.CreateUserAsync("report1", "Aqzvmwt1!", [Role.ReportOffice], ["320583"]);
        var actor = new Audit.Actor("report1", Harness.Address);
        Assert.Empty(await h.Users.ChangePasswordAsync(user.Id, "Bqzvmwt2!", actor, Ct));
        Assert.Empty(await h.Users.ChangePasswordAsync(user.Id, "Cqzvmwt3!", actor, Ct));
        // History 3 = current (C) and the two before it (B, A): all three refused.
        foreach (var old in new[] { "Aqzvmwt1!", "Bqzvmwt2!", "Cqzvmwt3!" })
            Assert.Equal([PasswordPolicy.Reused], await h.Users.ChangePasswordAsync(user.Id, old, actor, Ct));
        Assert.Empty(await h.Users.ChangePasswordAsync(user.Id, "Dqzvmwt4!", actor, Ct));
        // Now A is the fourth most recent: allowed again.
        Assert.Empty(await h.Users.ChangePasswordAsync(user.Id, "Aqzvmwt1!", actor, Ct));
    }

    [Fact]
    public async Task Idle_timeout_at_thirty_minutes()
    {
        await using var h = await Harness.CreateAsync();
        await h.CreateUserAsync("leader1", Pw, [Role.Leader], ["320500"]);
        var token = (await h.SignIn.SignInAsync("leader1", Pw, Harness.Address, Ct)).Ticket!.Token;
        // 29:59 idle: alive, and the request touches the session.
        h.Clock.Advance(TimeSpan.FromMinutes(29) + TimeSpan.FromSeconds(59));
        Assert.NotNull(await h.Sessions.ValidateAsync(token, Ct));
        // Counted from that touch: 29:59 again is fine ...
        h.Clock.Advance(TimeSpan.FromMinutes(29) + TimeSpan.FromSeconds(59));
        Assert.NotNull(await h.Sessions.ValidateAsync(token, Ct));
        // ... exactly 30:00 idle ends it, for good.
        h.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(await h.Sessions.ValidateAsync(token, Ct));
        h.Clock.Advance(TimeSpan.FromMinutes(-29));
        Assert.Null(await h.Sessions.ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task Absolute_timeout_at_twelve_hours_however_active()
    {
        await using var h = await Harness.CreateAsync();
        await h.CreateUserAsync("leader1", Pw, [Role.Leader], ["320500"]);
        var token = (await h.SignIn.SignInAsync("leader1", Pw, Harness.Address, Ct)).Ticket!.Token;
        // 28 requests 25 minutes apart: 700 minutes = 11:40 after sign-in, never idle.
        for (var i = 0; i < 28; i++)
        {
            h.Clock.Advance(TimeSpan.FromMinutes(25));
            Assert.NotNull(await h.Sessions.ValidateAsync(token, Ct));
        }
        h.Clock.Advance(TimeSpan.FromMinutes(19)); // 11:59
        Assert.NotNull(await h.Sessions.ValidateAsync(token, Ct));
        h.Clock.Advance(TimeSpan.FromMinutes(1)); // 12:00, idle only 1 minute
        Assert.Null(await h.Sessions.ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task Sign_out_and_disabling_end_sessions_server_side()
    {
        await using var h = await Harness.CreateAsync();
        var user = await h.CreateUserAsync("inspector1", Pw, [Role.Inspector], ["320583"]);
        var a = (await h.SignIn.SignInAsync("inspector1", Pw, Harness.Address, Ct)).Ticket!.Token;
        var b = (await h.SignIn.SignInAsync("inspector1", Pw, "10.9.9.9", Ct)).Ticket!.Token;
        var c = (await h.SignIn.SignInAsync("inspector1", Pw, "10.9.9.8", Ct)).Ticket!.Token;

        await h.SignIn.SignOutAsync(a, Harness.Address, Ct);
        Assert.Null(await h.Sessions.ValidateAsync(a, Ct));
        Assert.NotNull(await h.Sessions.ValidateAsync(b, Ct));
        Assert.Equal(2, (await h.Sessions.ListOpenAsync(user.Id, Ct)).Count);

        await h.Users.DisableAsync(user.Id, Harness.Admin, Ct);
        Assert.Null(await h.Sessions.ValidateAsync(b, Ct));
        Assert.Null(await h.Sessions.ValidateAsync(c, Ct));
        Assert.Empty(await h.Sessions.ListOpenAsync(user.Id, Ct));
        var again = await h.SignIn.SignInAsync("inspector1", Pw, Harness.Address, Ct);
        Assert.Equal(SignInService.GenericFailure, again.Message);

        // Tokens are stored only as hashes.
        await using var conn = await h.Database.OpenAsync(Ct);
        var hashes = (await conn.QueryAsync<string>("SELECT token_hash FROM sessions")).ToList();
        Assert.Equal(4, hashes.Count); // the setup session + a, b, c
        Assert.DoesNotContain(a, hashes);
        Assert.Contains(SessionStore.HashToken(a), hashes);
    }

    [Fact]
    public async Task Password_reset_ends_sessions_and_forces_a_change()
    {
        await using var h = await Harness.CreateAsync();
        var user = await h.CreateUserAsync("inspector1", Pw, [Role.Inspector], ["320583"]);
        var token = (await h.SignIn.SignInAsync("inspector1", Pw, Harness.Address, Ct)).Ticket!.Token;
        var oneTime = await h.Users.ResetPasswordAsync(user.Id, Harness.Admin, Ct);
        Assert.Null(await h.Sessions.ValidateAsync(token, Ct));
        Assert.False((await h.SignIn.SignInAsync("inspector1", Pw, Harness.Address, Ct)).Succeeded);
        Assert.Equal(PasswordChangeReason.OneTimePassword, (await h.SignIn.SignInAsync("inspector1", oneTime, Harness.Address, Ct)).MustChange);
    }
}
