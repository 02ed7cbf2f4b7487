using Dapper;
using Dashboard.Security.ApiKeys;
using Dashboard.Security.Audit;
using Dashboard.Security.Roles;
using Dashboard.Security.Store;
using Dashboard.Security.Users;

namespace Dashboard.Security.Tests;

public class AccessTests
{
    private const string Pw = "Kqzvmwt9!";
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Api_key_is_shown_once_stored_hashed_scoped_like_its_owner_and_revocable()
    {
        await using var h = await Harness.CreateAsync();
        var owner = await h.CreateUserAsync("analyst1", Pw, [Role.ReportOffice], ["320583"]);
        var issued = await h.ApiKeys.CreateAsync(owner.Id, "Excel", new Actor("analyst1", Harness.Address), Ct);

        Assert.StartsWith(ApiKeyStore.KeyPrefix, issued.Key, StringComparison.Ordinal);
        // "dsk_" + 43 base64url characters of 32 random bytes.
        Assert.Equal(4 + 43, issued.Key.Length);
        Assert.Equal(issued.Key[..10], issued.Info.Prefix);

        await using (var c = await h.Database.OpenAsync(Ct))
        {
            var stored = (await c.QueryAsync<(string Prefix, string KeyHash)>("SELECT prefix, key_hash FROM api_keys")).Single();
            Assert.Equal(ApiKeyStore.Hash(issued.Key), stored.KeyHash);
            Assert.Equal(64, stored.KeyHash.Length);
            Assert.DoesNotContain(issued.Key, stored.KeyHash + stored.Prefix, StringComparison.Ordinal);
        }
        // Listing never shows the key.
        var listed = Assert.Single(await h.ApiKeys.ListAsync(owner.Id, Ct));
        Assert.Equal(issued.Info.Id, listed.Id);

        var principal = await h.ApiKeys.ValidateAsync(issued.Key, Ct);
        Assert.Equal("analyst1", principal!.UserName);
        Assert.Equal([Role.ReportOffice], principal.Roles);
        Assert.Equal(["320583"], principal.Regions);

        // The key follows the owner's jurisdiction as it changes.
        await h.Users.SetJurisdictionsAsync(owner.Id, ["331082", "320583"], Harness.Admin, Ct);
        Assert.Equal(["320583", "331082"], (await h.ApiKeys.ValidateAsync(issued.Key, Ct))!.Regions);

        Assert.Null(await h.ApiKeys.ValidateAsync(issued.Key + "x", Ct));
        Assert.Null(await h.ApiKeys.ValidateAsync("dsk_" + new string('A', 43), Ct));

        Assert.True(await h.ApiKeys.RevokeAsync(issued.Info.Id, Harness.Admin, Ct));
        Assert.False(await h.ApiKeys.RevokeAsync(issued.Info.Id, Harness.Admin, Ct));
        Assert.Null(await h.ApiKeys.ValidateAsync(issued.Key, Ct));
        Assert.NotNull((await h.ApiKeys.ListAsync(owner.Id, Ct))[0].RevokedAt);
        Assert.DoesNotContain(h.Audit.Events, e => (e.Target + e.Detail).Contains(issued.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Last_used_is_written_at_most_once_a_minute_so_busy_clients_do_not_queue_on_the_store()
    {
        await using var h = await Harness.CreateAsync();
        var owner = await h.CreateUserAsync("busy1", Pw, [Role.Leader], ["320583"]);
        var issued = await h.ApiKeys.CreateAsync(owner.Id, "Power BI", Harness.Admin, Ct);
        await h.ApiKeys.ValidateAsync(issued.Key, Ct);
        var first = (await h.ApiKeys.ListAsync(owner.Id, Ct))[0].LastUsedAt;
        Assert.Equal(Harness.Start, first);
        h.Clock.Advance(TimeSpan.FromSeconds(59));
        await h.ApiKeys.ValidateAsync(issued.Key, Ct);
        Assert.Equal(first, (await h.ApiKeys.ListAsync(owner.Id, Ct))[0].LastUsedAt); // 59 s later: not written
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.ApiKeys.ValidateAsync(issued.Key, Ct);
        Assert.Equal(Harness.Start.AddSeconds(60), (await h.ApiKeys.ListAsync(owner.Id, Ct))[0].LastUsedAt); // a minute: written
    }

    [Fact]
    public async Task Api_key_stops_with_a_disabled_owner_or_an_expired_password()
    {
        await using var h = await Harness.CreateAsync();
        var a = await h.CreateUserAsync("analyst1", Pw, [Role.Leader], ["320500"]);
        var b = await h.CreateUserAsync("analyst2", Pw, [Role.Leader], ["320500"]);
        var keyA = (await h.ApiKeys.CreateAsync(a.Id, "pbi", Harness.Admin, Ct)).Key;
        var keyB = (await h.ApiKeys.CreateAsync(b.Id, "pbi", Harness.Admin, Ct)).Key;
        await h.Users.DisableAsync(a.Id, Harness.Admin, Ct);
        Assert.Null(await h.ApiKeys.ValidateAsync(keyA, Ct));
        Assert.NotNull(await h.ApiKeys.ValidateAsync(keyB, Ct));
        h.Clock.Advance(TimeSpan.FromDays(90));
        Assert.Null(await h.ApiKeys.ValidateAsync(keyB, Ct));
        await Assert.ThrowsAsync<UserStoreException>(() => h.ApiKeys.CreateAsync(a.Id, "again", Harness.Admin, Ct));
    }

    [Theory]
    [InlineData(new[] { Role.Leader }, true)]
    [InlineData(new[] { Role.Leader, Role.Inspector, Role.ReportOffice }, true)]
    [InlineData(new[] { Role.SecurityAdmin }, true)]
    [InlineData(new[] { Role.SystemAdmin, Role.SecurityAdmin }, false)]
    [InlineData(new[] { Role.SecurityAdmin, Role.AuditAdmin }, false)]
    [InlineData(new[] { Role.SystemAdmin, Role.AuditAdmin }, false)]
    [InlineData(new[] { Role.AuditAdmin, Role.Leader }, false)]
    [InlineData(new[] { Role.SystemAdmin, Role.DistrictOfficer }, false)]
    [InlineData(new Role[0], true)]
    public void Role_separation(Role[] roles, bool allowed)
    {
        Assert.Equal(allowed, RoleRules.Check(roles) is null);
    }

    [Fact]
    public async Task Role_changes_enforce_separation_refuse_self_change_and_audit_old_and_new()
    {
        await using var h = await Harness.CreateAsync();
        var created = await h.Users.CreateAsync(new NewUser("ops1", "运维", [Role.SystemAdmin], []), Harness.Admin, Ct);
        await Assert.ThrowsAsync<RoleSeparationException>(() =>
            h.Users.CreateAsync(new NewUser("super", "超级", [Role.SystemAdmin, Role.SecurityAdmin], []), Harness.Admin, Ct));
        Assert.Null(await h.Users.FindByNameAsync("super", Ct));

        await Assert.ThrowsAsync<RoleSeparationException>(() => h.Users.SetRolesAsync(created.User.Id, [Role.SystemAdmin, Role.AuditAdmin], Harness.Admin, Ct));
        Assert.Contains(h.Audit.Events, e => e.Action == AuditAction.RolesChanged && e.Result == AuditResult.Denied && e.Target == "ops1");
        Assert.Equal([Role.SystemAdmin], (await h.Users.GetAsync(created.User.Id, Ct))!.Roles);

        await Assert.ThrowsAsync<UserStoreException>(() => h.Users.SetRolesAsync(created.User.Id, [Role.Leader], new Actor("OPS1", "x"), Ct));

        await h.Users.SetRolesAsync(created.User.Id, [Role.Leader, Role.Inspector], Harness.Admin, Ct);
        Assert.Equal([Role.Leader, Role.Inspector], (await h.Users.GetAsync(created.User.Id, Ct))!.Roles);
        var ok = h.Audit.Events.Last(e => e.Action == AuditAction.RolesChanged);
        Assert.Equal(AuditResult.Success, ok.Result);
        Assert.Equal("[SystemAdmin] -> [Leader,Inspector]", ok.Detail);
    }

    [Fact]
    public async Task Jurisdictions_are_validated_and_changes_audited()
    {
        await using var h = await Harness.CreateAsync();
        var created = await h.Users.CreateAsync(new NewUser("insp", "督学", [Role.Inspector], ["320583"]), Harness.Admin, Ct);
        await Assert.ThrowsAsync<ArgumentException>(() => h.Users.SetJurisdictionsAsync(created.User.Id, ["3205'; DROP"], Harness.Admin, Ct));
        await h.Users.SetJurisdictionsAsync(created.User.Id, ["331082", " 320583 ", "331082"], Harness.Admin, Ct);
        Assert.Equal(["320583", "331082"], (await h.Users.GetAsync(created.User.Id, Ct))!.Regions);
        Assert.Equal("[320583] -> [320583,331082]", h.Audit.Events.Last(e => e.Action == AuditAction.JurisdictionChanged).Detail);
        await Assert.ThrowsAsync<UserStoreException>(() => h.Users.CreateAsync(new NewUser("INSP", "dup", [Role.Leader], []), Harness.Admin, Ct));
    }

    [Fact]
    public async Task First_administrator_once_only_with_a_one_time_password()
    {
        await using var h = await Harness.CreateAsync();
        var admin = await h.Setup.CreateAsync("secadmin", Ct);
        Assert.Equal([Role.SecurityAdmin], admin.User.Roles);
        Assert.True(admin.User.MustChangePassword);
        var signIn = await h.SignIn.SignInAsync("secadmin", admin.OneTimePassword, "local", Ct);
        Assert.Equal(SignIn.PasswordChangeReason.OneTimePassword, signIn.MustChange);

        await Assert.ThrowsAsync<UserStoreException>(() => h.Setup.CreateAsync("another", Ct));
        Assert.Null(await h.Users.FindByNameAsync("another", Ct));
        Assert.Contains(h.Audit.Events, e => e.Action == AuditAction.SetupAdministrator && e.Result == AuditResult.Denied);
        Assert.DoesNotContain(h.Audit.Events, e => e.Detail.Contains(admin.OneTimePassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migrations_apply_once_and_have_no_postgres_variant_yet()
    {
        await using var h = await Harness.CreateAsync();
        Assert.Empty(await new StoreMigrator(h.Database).MigrateAsync(Ct));
        var sqlite = StoreMigrator.ReadMigrations(StoreProvider.Sqlite);
        var postgres = StoreMigrator.ReadMigrations(StoreProvider.PostgreSql);
        Assert.Equal("0001_security.sql", sqlite[0].Name);
        Assert.Equal(sqlite.Select(m => m.Checksum), postgres.Select(m => m.Checksum));
        Assert.Equal(3, StoreMigrator.SplitStatements("-- c\nCREATE TABLE a (x TEXT);\nCREATE INDEX i\n ON a (x);\nSELECT 1").Count);
    }
}
