using Dashboard.Security.Cases;
using Dashboard.Security.Roles;
using Dashboard.Security.SignIn;

namespace Dashboard.Security.Tests;

/// <summary>
/// The same store code on PostgreSQL (Security:Store:Provider = PostgreSql), against the real server scripts/test.sh
/// starts: migrations, accounts, sign-in with lockout, sessions, API keys, cases and role separation.
/// </summary>
public sealed class PostgreSqlStoreTests
{
    private const string Pw = "Blue#Harbor42";
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Accounts_sign_in_lockout_sessions_keys_and_cases_work_on_PostgreSQL()
    {
        await using var h = await Harness.CreateOnPostgresAsync();
        Assert.Equal(StoreProvider.PostgreSql, h.Database.Provider);

        var officer = await h.CreateUserAsync("pg-officer", Pw, [Role.DistrictOfficer], ["331024"]);
        Assert.Equal(["331024"], officer.Regions);

        // Sign-in, then four failures and a fifth: locked for 15 minutes, with the one generic message.
        var ok = await h.SignIn.SignInAsync("pg-officer", Pw, Harness.Address, Ct);
        Assert.True(ok.Succeeded);
        Assert.NotNull(await h.Sessions.ValidateAsync(ok.Ticket!.Token, Ct));
        for (var i = 0; i < 5; i++) Assert.False((await h.SignIn.SignInAsync("pg-officer", "Wrong#Pass" + i, Harness.Address, Ct)).Succeeded);
        var locked = await h.SignIn.SignInAsync("pg-officer", Pw, Harness.Address, Ct);
        Assert.Equal(SignInService.GenericFailure, locked.Message);
        h.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.True((await h.SignIn.SignInAsync("pg-officer", Pw, Harness.Address, Ct)).Succeeded);

        // Idle timeout: 30 minutes without a request ends the session.
        h.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(await h.Sessions.ValidateAsync(ok.Ticket.Token, Ct));

        // API key: shown once, acts as its owner, revocable.
        var key = await h.ApiKeys.CreateAsync(officer.Id, "Excel", Harness.Admin, Ct);
        Assert.Equal(["331024"], (await h.ApiKeys.ValidateAsync(key.Key, Ct))!.Regions);
        Assert.True(await h.ApiKeys.RevokeAsync(key.Info.Id, Harness.Admin, Ct));
        Assert.Null(await h.ApiKeys.ValidateAsync(key.Key, Ct));

        // Role separation holds here too.
        await Assert.ThrowsAsync<RoleSeparationException>(() => h.Users.SetRolesAsync(officer.Id, [Role.SystemAdmin, Role.AuditAdmin], Harness.Admin, Ct));

        // A supervision case through its statuses.
        var created = await h.Cases.CreateAsync(new NewCase("331024", "T-1", "仙居县教育局", "随迁子女入学比例滞后", new DateOnly(2025, 6, 30)),
            new Dashboard.Security.Audit.Actor("inspector", Harness.Address), Ct);
        var moved = await h.Cases.MoveAsync(created.Id, CaseStatus.Rectifying, "已部署整改", new Dashboard.Security.Audit.Actor("inspector", Harness.Address), Ct);
        Assert.Equal(CaseStatus.Rectifying, moved.Status);
        Assert.Equal(2, (await h.Cases.GetHistoryAsync(created.Id, Ct)).Count);
    }
}
