using System.Data.Common;
using Dapper;
using Dashboard.Security.Audit;
using Dashboard.Security.Jurisdiction;
using Dashboard.Security.Passwords;
using Dashboard.Security.Roles;
using Dashboard.Security.SignIn;
using Dashboard.Security.Store;

namespace Dashboard.Security.Users;

/// <summary>
/// Accounts, their roles and regions, and password changes. Every change is audited with old → new
/// values; the separation of administrator roles is enforced on every role change.
/// </summary>
public sealed class UserStore(OperationalDatabase database, IAuditSink audit, TimeProvider clock, SecurityOptions options)
{
    /// <summary>Creates an account with a one-time password that must be changed at first sign-in.</summary>
    /// <exception cref="UserStoreException">The name is taken or not valid.</exception>
    /// <exception cref="RoleSeparationException">The roles break the separation of duties.</exception>
    /// <exception cref="ArgumentException">A region code is not valid.</exception>
    public async Task<CreatedUser> CreateAsync(NewUser user, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var c = await database.OpenAsync(cancellationToken);
        await using var tx = await database.BeginWriteAsync(c, cancellationToken);
        var created = await CreateCoreAsync(c, tx, user, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        await AuditAsync(actor, AuditAction.UserCreated, created.User.UserName, AuditResult.Success,
            $"roles [{string.Join(",", created.User.Roles)}]; regions [{string.Join(",", created.User.Regions)}]", cancellationToken);
        return created;
    }

    /// <summary>The account with <paramref name="userId"/>, or null.</summary>
    public async Task<User?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(SelectUser + " WHERE id = @userId", new { userId }, cancellationToken: cancellationToken));
        return row is null ? null : (await ToUsersAsync(c, [row], cancellationToken))[0];
    }

    /// <summary>The account named <paramref name="userName"/> (case-insensitive), or null.</summary>
    public async Task<User?> FindByNameAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        await using var c = await database.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(SelectUser + " WHERE normalized_name = @name",
            new { name = Normalize(userName) }, cancellationToken: cancellationToken));
        return row is null ? null : (await ToUsersAsync(c, [row], cancellationToken))[0];
    }

    /// <summary>Every account, by name.</summary>
    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken)
    {
        await using var c = await database.OpenAsync(cancellationToken);
        var rows = (await c.QueryAsync<UserRow>(new CommandDefinition(SelectUser + " ORDER BY normalized_name", cancellationToken: cancellationToken))).ToList();
        return await ToUsersAsync(c, rows, cancellationToken);
    }

    /// <summary>True when any account (enabled or not) holds <paramref name="role"/>.</summary>
    public async Task<bool> AnyInRoleAsync(Role role, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM user_roles WHERE role = @role",
            new { role = role.ToString() }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Replaces the roles of an account.</summary>
    /// <exception cref="RoleSeparationException">The roles break the separation of duties.</exception>
    /// <exception cref="UserStoreException">No such account, or the actor tries to change their own roles.</exception>
    public async Task SetRolesAsync(string userId, IReadOnlyCollection<Role> roles, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(roles);
        var user = await GetAsync(userId, cancellationToken) ?? throw new UserStoreException("账户不存在");
        if (string.Equals(user.UserName, actor.UserName, StringComparison.OrdinalIgnoreCase))
        {
            await AuditAsync(actor, AuditAction.RolesChanged, user.UserName, AuditResult.Denied, "own roles", cancellationToken);
            throw new UserStoreException("不能修改自己的角色");
        }
        if (RoleRules.Check(roles) is { } reason)
        {
            await AuditAsync(actor, AuditAction.RolesChanged, user.UserName, AuditResult.Denied, $"[{string.Join(",", user.Roles)}] -> [{string.Join(",", roles)}]: {reason}", cancellationToken);
            throw new RoleSeparationException(reason);
        }
        var next = roles.Distinct().Order().ToList();
        await using (var c = await database.OpenAsync(cancellationToken))
        await using (var tx = await database.BeginWriteAsync(c, cancellationToken))
        {
            await c.ExecuteAsync(new CommandDefinition("DELETE FROM user_roles WHERE user_id = @userId", new { userId }, tx, cancellationToken: cancellationToken));
            await c.ExecuteAsync(new CommandDefinition("INSERT INTO user_roles (user_id, role) VALUES (@userId, @role)",
                next.Select(r => new { userId, role = r.ToString() }), tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
        }
        await AuditAsync(actor, AuditAction.RolesChanged, user.UserName, AuditResult.Success,
            $"[{string.Join(",", user.Roles)}] -> [{string.Join(",", next)}]", cancellationToken);
    }

    /// <summary>Replaces the region codes of an account.</summary>
    /// <exception cref="ArgumentException">A code is not valid.</exception>
    /// <exception cref="UserStoreException">No such account.</exception>
    public async Task SetJurisdictionsAsync(string userId, IReadOnlyCollection<string> regions, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var next = RegionScope.Normalize(regions);
        var user = await GetAsync(userId, cancellationToken) ?? throw new UserStoreException("账户不存在");
        await using (var c = await database.OpenAsync(cancellationToken))
        await using (var tx = await database.BeginWriteAsync(c, cancellationToken))
        {
            await c.ExecuteAsync(new CommandDefinition("DELETE FROM user_regions WHERE user_id = @userId", new { userId }, tx, cancellationToken: cancellationToken));
            await c.ExecuteAsync(new CommandDefinition("INSERT INTO user_regions (user_id, region_code) VALUES (@userId, @code)",
                next.Select(code => new { userId, code }), tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
        }
        await AuditAsync(actor, AuditAction.JurisdictionChanged, user.UserName, AuditResult.Success,
            $"[{string.Join(",", user.Regions)}] -> [{string.Join(",", next)}]", cancellationToken);
    }

    /// <summary>Disables an account and ends all its sessions server-side (its API keys stop working too).</summary>
    /// <exception cref="UserStoreException">No such account, or the actor disables themselves.</exception>
    public async Task DisableAsync(string userId, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await GetAsync(userId, cancellationToken) ?? throw new UserStoreException("账户不存在");
        if (string.Equals(user.UserName, actor.UserName, StringComparison.OrdinalIgnoreCase)) throw new UserStoreException("不能停用自己的账户");
        var now = UnixTime.Now(clock);
        await using (var c = await database.OpenAsync(cancellationToken))
        await using (var tx = await database.BeginWriteAsync(c, cancellationToken))
        {
            await c.ExecuteAsync(new CommandDefinition("UPDATE users SET disabled = 1 WHERE id = @userId", new { userId }, tx, cancellationToken: cancellationToken));
            await SessionStore.EndAllCoreAsync(c, tx, userId, "disabled", now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        await AuditAsync(actor, AuditAction.UserDisabled, user.UserName, AuditResult.Success, "sessions ended", cancellationToken);
    }

    /// <summary>Enables a disabled account and clears any lockout.</summary>
    /// <exception cref="UserStoreException">No such account.</exception>
    public async Task EnableAsync(string userId, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await GetAsync(userId, cancellationToken) ?? throw new UserStoreException("账户不存在");
        await using (var c = await database.OpenAsync(cancellationToken))
        {
            await c.ExecuteAsync(new CommandDefinition("UPDATE users SET disabled = 0, failed_count = 0, locked_until = NULL WHERE id = @userId",
                new { userId }, cancellationToken: cancellationToken));
        }
        await AuditAsync(actor, AuditAction.UserEnabled, user.UserName, AuditResult.Success, "", cancellationToken);
    }

    /// <summary>
    /// Sets a new password chosen by the account's owner, after the policy and the history check (the
    /// last <see cref="SecurityOptions.PasswordHistory"/> passwords, the current one included, are refused).
    /// Callers verify the current password first (SignInService.ChangePasswordAsync does).
    /// </summary>
    /// <returns>The Chinese messages of the broken rules; empty when the password was changed.</returns>
    /// <exception cref="UserStoreException">No such account.</exception>
    public async Task<IReadOnlyList<string>> ChangePasswordAsync(string userId, string newPassword, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(newPassword);
        await using var c = await database.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(SelectUser + " WHERE id = @userId", new { userId }, cancellationToken: cancellationToken))
            ?? throw new UserStoreException("账户不存在");
        var errors = PasswordPolicy.Check(newPassword, row.UserName).ToList();
        if (errors.Count == 0)
        {
            var previous = await c.QueryAsync<string>(new CommandDefinition(
                "SELECT password_hash FROM password_history WHERE user_id = @userId ORDER BY seq DESC LIMIT @n",
                new { userId, n = (long)Math.Max(0, options.PasswordHistory - 1) }, cancellationToken: cancellationToken));
            if (previous.Prepend(row.PasswordHash).Any(h => PasswordHashing.Verify(h, newPassword) != PasswordVerification.Failed))
                errors.Add(PasswordPolicy.Reused);
        }
        if (errors.Count > 0)
        {
            await AuditAsync(actor, AuditAction.PasswordChanged, row.UserName, AuditResult.Failure, "policy: " + string.Join("; ", errors), cancellationToken);
            return errors;
        }
        await SetPasswordAsync(c, row, PasswordHashing.Hash(newPassword), mustChange: false, cancellationToken);
        await AuditAsync(actor, AuditAction.PasswordChanged, row.UserName, AuditResult.Success, "", cancellationToken);
        return [];
    }

    /// <summary>Issues a new one-time password (must be changed at next sign-in) and ends the account's sessions.</summary>
    /// <returns>The one-time password, to hand over once.</returns>
    /// <exception cref="UserStoreException">No such account.</exception>
    public async Task<string> ResetPasswordAsync(string userId, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var c = await database.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(SelectUser + " WHERE id = @userId", new { userId }, cancellationToken: cancellationToken))
            ?? throw new UserStoreException("账户不存在");
        var oneTime = PasswordPolicy.GenerateOneTime();
        await SetPasswordAsync(c, row, PasswordHashing.Hash(oneTime), mustChange: true, cancellationToken);
        await AuditAsync(actor, AuditAction.PasswordReset, row.UserName, AuditResult.Success, "one-time password issued; sessions ended", cancellationToken);
        return oneTime;
    }

    private async Task SetPasswordAsync(DbConnection c, UserRow row, string hash, bool mustChange, CancellationToken ct)
    {
        var now = UnixTime.Now(clock);
        await using var tx = await database.BeginWriteAsync(c, ct);
        var seq = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(seq), 0) + 1 FROM password_history WHERE user_id = @id",
            new { id = row.Id }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("INSERT INTO password_history (user_id, seq, password_hash, changed_at) VALUES (@id, @seq, @hash, @at)",
            new { id = row.Id, seq, hash = row.PasswordHash, at = row.PasswordChangedAt }, tx, cancellationToken: ct));
        // Keep only what the history check reads.
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM password_history WHERE user_id = @id AND seq <= @oldest",
            new { id = row.Id, oldest = seq - options.PasswordHistory }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("""
            UPDATE users SET password_hash = @hash, password_changed_at = @now, must_change_password = @must, failed_count = 0, locked_until = NULL
            WHERE id = @id
            """, new { id = row.Id, hash, now, must = mustChange ? 1L : 0L }, tx, cancellationToken: ct));
        if (mustChange) await SessionStore.EndAllCoreAsync(c, tx, row.Id, "password reset", now, ct);
        await tx.CommitAsync(ct);
    }

    internal async Task<CreatedUser> CreateCoreAsync(DbConnection c, DbTransaction tx, NewUser user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = user.UserName?.Trim() ?? "";
        if (!IsValidUserName(name)) throw new UserStoreException("用户名须为 3–64 个字母、数字或 . _ - @");
        RoleRules.Validate(user.Roles);
        var regions = RegionScope.Normalize(user.Regions);
        var roles = user.Roles.Distinct().Order().ToList();
        var exists = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users WHERE normalized_name = @n",
            new { n = Normalize(name) }, tx, cancellationToken: ct));
        if (exists > 0) throw new UserStoreException("用户名已存在");

        var now = UnixTime.Now(clock);
        var id = Guid.NewGuid().ToString("N");
        var oneTime = PasswordPolicy.GenerateOneTime();
        var displayName = string.IsNullOrWhiteSpace(user.DisplayName) ? name : user.DisplayName.Trim();
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO users (id, user_name, normalized_name, display_name, password_hash, password_changed_at, must_change_password, disabled, failed_count, locked_until, created_at)
            VALUES (@id, @name, @normalized, @displayName, @hash, @now, 1, 0, 0, NULL, @now)
            """, new { id, name, normalized = Normalize(name), displayName, hash = PasswordHashing.Hash(oneTime), now }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("INSERT INTO user_roles (user_id, role) VALUES (@id, @role)",
            roles.Select(r => new { id, role = r.ToString() }), tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("INSERT INTO user_regions (user_id, region_code) VALUES (@id, @code)",
            regions.Select(code => new { id, code }), tx, cancellationToken: ct));
        var created = new User(id, name, displayName, roles, regions, false, true, UnixTime.From(now), null, UnixTime.From(now));
        return new CreatedUser(created, oneTime);
    }

    internal static async Task<SecurityPrincipal?> LoadPrincipalAsync(DbConnection c, string userId, bool mustChange, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(SelectUser + " WHERE id = @userId", new { userId }, cancellationToken: ct));
        if (row is null || row.Disabled != 0) return null;
        var user = (await ToUsersAsync(c, [row], ct))[0];
        return new SecurityPrincipal(user.Id, user.UserName, user.DisplayName, user.Roles, user.Regions, mustChange);
    }

    internal static async Task<UserRow?> FindRowAsync(DbConnection c, string userName, CancellationToken ct) =>
        await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(SelectUser + " WHERE normalized_name = @name",
            new { name = Normalize(userName) }, cancellationToken: ct));

    /// <summary>True for 3..64 characters of ASCII letters, digits and <c>. _ - @</c>.</summary>
    public static bool IsValidUserName(string? name) =>
        name is { Length: >= 3 and <= 64 } && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' or '@');

    internal static string Normalize(string userName) => userName.Trim().ToUpperInvariant();

    private static async Task<List<User>> ToUsersAsync(DbConnection c, List<UserRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return [];
        var ids = rows.Select(r => r.Id).ToArray();
        var parameters = new DynamicParameters();
        var inIds = PortableSql.InList("id", ids, parameters);
        var roles = (await c.QueryAsync<(string UserId, string Role)>(new CommandDefinition(
            "SELECT user_id, role FROM user_roles WHERE user_id IN " + inIds, parameters, cancellationToken: ct))).ToLookup(r => r.UserId, r => r.Role);
        var regions = (await c.QueryAsync<(string UserId, string Code)>(new CommandDefinition(
            "SELECT user_id, region_code FROM user_regions WHERE user_id IN " + inIds, parameters, cancellationToken: ct))).ToLookup(r => r.UserId, r => r.Code);
        return rows.Select(r => new User(r.Id, r.UserName, r.DisplayName,
            roles[r.Id].Select(n => Enum.Parse<Role>(n)).Order().ToList(),
            regions[r.Id].Order(StringComparer.Ordinal).ToList(),
            r.Disabled != 0, r.MustChangePassword != 0, UnixTime.From(r.PasswordChangedAt), UnixTime.From(r.LockedUntil), UnixTime.From(r.CreatedAt))).ToList();
    }

    private Task AuditAsync(Actor actor, AuditAction action, string target, AuditResult result, string detail, CancellationToken ct) =>
        audit.WriteAsync(new AuditEvent(clock.GetUtcNow().UtcDateTime, actor.UserName, actor.Address, action, target, result, detail), ct);

    internal const string SelectUser = """
        SELECT id AS Id, user_name AS UserName, display_name AS DisplayName, password_hash AS PasswordHash,
               password_changed_at AS PasswordChangedAt, must_change_password AS MustChangePassword, disabled AS Disabled,
               failed_count AS FailedCount, locked_until AS LockedUntil, created_at AS CreatedAt
        FROM users
        """;

    internal sealed class UserRow
    {
        public string Id { get; set; } = "";
        public string UserName { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string PasswordHash { get; set; } = "";
        public long PasswordChangedAt { get; set; }
        public long MustChangePassword { get; set; }
        public long Disabled { get; set; }
        public long FailedCount { get; set; }
        public long? LockedUntil { get; set; }
        public long CreatedAt { get; set; }
    }
}
