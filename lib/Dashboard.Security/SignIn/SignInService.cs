using Dapper;
using Dashboard.Security.Audit;
using Dashboard.Security.Passwords;
using Dashboard.Security.Store;
using Dashboard.Security.Users;

namespace Dashboard.Security.SignIn;

/// <summary>Why a signed-in user must change the password before anything else.</summary>
public enum PasswordChangeReason
{
    /// <summary>No change needed.</summary>
    None,
    /// <summary>A one-time password from setup or an administrator's reset.</summary>
    OneTimePassword,
    /// <summary>The password is older than <see cref="SecurityOptions.PasswordMaxAgeDays"/>.</summary>
    Expired,
}

/// <summary>The outcome of a sign-in.</summary>
/// <param name="Succeeded">True when a session was opened.</param>
/// <param name="Message">On failure the one generic message (<see cref="SignInService.GenericFailure"/>), whatever the cause.</param>
/// <param name="Ticket">The new session (its token goes into the cookie).</param>
/// <param name="MustChange">Why the session may only change the password, if it must.</param>
public sealed record SignInResult(bool Succeeded, string? Message, SessionTicket? Ticket, PasswordChangeReason MustChange)
{
    /// <summary>True when the session may only be used to change the password.</summary>
    public bool MustChangePassword => MustChange != PasswordChangeReason.None;
}

/// <summary>The outcome of a password change; <paramref name="Errors"/> are Chinese messages to show.</summary>
public sealed record PasswordChangeResult(bool Succeeded, IReadOnlyList<string> Errors);

/// <summary>
/// Sign-in: password check, lockout (default 5 consecutive failures lock for 15 minutes), forced change
/// of one-time and expired (default 90 days) passwords, sessions, sign-out and password change.
/// Every outcome is audited; a caller only ever sees one generic failure message, so the response
/// never tells whether an account exists, is locked or is disabled.
/// </summary>
public sealed class SignInService(OperationalDatabase database, UserStore users, SessionStore sessions, IAuditSink audit, TimeProvider clock, SecurityOptions options)
{
    /// <summary>The one message for every failed sign-in.</summary>
    public const string GenericFailure = "用户名或密码错误，或账户已锁定";

    /// <summary>Checks the credentials and opens a session.</summary>
    public async Task<SignInResult> SignInAsync(string userName, string password, string address, CancellationToken cancellationToken)
    {
        userName ??= "";
        password ??= "";
        address ??= "";
        var now = UnixTime.Now(clock);
        await using var c = await database.OpenAsync(cancellationToken);
        var row = userName.Length is > 0 and <= 64 ? await UserStore.FindRowAsync(c, userName, cancellationToken) : null;
        if (row is null)
        {
            // Same cost as a real check, so timing does not reveal which names exist.
            PasswordHashing.Verify(PasswordHashing.DummyHash, password);
            // The typed name is not recorded: it is often a password typed into the wrong box.
            await AuditAsync(AuditEvent.Anonymous, address, AuditAction.SignInFailed, AuditResult.Failure, "unknown account", cancellationToken);
            return Failed();
        }
        if (row.Disabled != 0)
        {
            PasswordHashing.Verify(PasswordHashing.DummyHash, password);
            await AuditAsync(row.UserName, address, AuditAction.SignInFailed, AuditResult.Failure, "account disabled", cancellationToken);
            return Failed();
        }
        if (row.LockedUntil is { } until && until > now)
        {
            // Attempts while locked neither extend the lock nor count towards the next one.
            PasswordHashing.Verify(PasswordHashing.DummyHash, password);
            await AuditAsync(row.UserName, address, AuditAction.SignInFailed, AuditResult.Failure,
                $"account locked until {UnixTime.From(until):yyyy-MM-ddTHH:mm:ssZ}", cancellationToken);
            return Failed();
        }

        var verification = PasswordHashing.Verify(row.PasswordHash, password);
        if (verification == PasswordVerification.Failed)
        {
            // One atomic increment (RETURNING: SQLite 3.35+ and PostgreSQL), so concurrent failures all count.
            // A lock that has run out starts the count afresh.
            var failures = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
                UPDATE users SET failed_count = CASE WHEN locked_until IS NULL THEN failed_count + 1 ELSE 1 END, locked_until = NULL
                WHERE id = @id
                RETURNING failed_count
                """, new { id = row.Id }, cancellationToken: cancellationToken));
            if (failures >= options.LockoutFailures)
            {
                var lockedUntil = now + (long)TimeSpan.FromMinutes(options.LockoutMinutes).TotalMilliseconds;
                await c.ExecuteAsync(new CommandDefinition("UPDATE users SET failed_count = 0, locked_until = @lockedUntil WHERE id = @id",
                    new { id = row.Id, lockedUntil }, cancellationToken: cancellationToken));
                await AuditAsync(row.UserName, address, AuditAction.SignInFailed, AuditResult.Failure, $"wrong password ({failures} of {options.LockoutFailures})", cancellationToken);
                await AuditAsync(row.UserName, address, AuditAction.Lockout, AuditResult.Success,
                    $"locked for {options.LockoutMinutes} minutes after {failures} failures", cancellationToken);
            }
            else
            {
                await AuditAsync(row.UserName, address, AuditAction.SignInFailed, AuditResult.Failure, $"wrong password ({failures} of {options.LockoutFailures})", cancellationToken);
            }
            return Failed();
        }

        var newHash = verification == PasswordVerification.SuccessRehashNeeded ? PasswordHashing.Hash(password) : null;
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET failed_count = 0, locked_until = NULL, password_hash = COALESCE(@newHash, password_hash) WHERE id = @id",
            new { id = row.Id, newHash }, cancellationToken: cancellationToken));
        var reason = row.MustChangePassword != 0 ? PasswordChangeReason.OneTimePassword
            : now - row.PasswordChangedAt >= (long)TimeSpan.FromDays(options.PasswordMaxAgeDays).TotalMilliseconds ? PasswordChangeReason.Expired
            : PasswordChangeReason.None;
        var ticket = await sessions.CreateAsync(row.Id, address, reason != PasswordChangeReason.None, cancellationToken);
        await AuditAsync(row.UserName, address, AuditAction.SignIn, AuditResult.Success,
            reason == PasswordChangeReason.None ? $"session {ticket.Session.Id}" : $"session {ticket.Session.Id}; must change password ({reason})", cancellationToken);
        return new SignInResult(true, null, ticket, reason);
    }

    /// <summary>
    /// Changes the password of the session's account after checking the current one. On success the
    /// account's other sessions end and this one is released from the must-change state.
    /// </summary>
    public async Task<PasswordChangeResult> ChangePasswordAsync(string sessionToken, string currentPassword, string newPassword, string address, CancellationToken cancellationToken)
    {
        var principal = await sessions.ValidateAsync(sessionToken, cancellationToken);
        if (principal is null) return new PasswordChangeResult(false, ["会话已失效，请重新登录"]);
        await using (var c = await database.OpenAsync(cancellationToken))
        {
            var row = await UserStore.FindRowAsync(c, principal.UserName, cancellationToken);
            if (row is null || PasswordHashing.Verify(row.PasswordHash, currentPassword ?? "") == PasswordVerification.Failed)
            {
                await AuditAsync(principal.UserName, address, AuditAction.PasswordChanged, AuditResult.Failure, "current password wrong", cancellationToken);
                return new PasswordChangeResult(false, ["当前密码不正确"]);
            }
        }
        var errors = await users.ChangePasswordAsync(principal.UserId, newPassword ?? "", new Actor(principal.UserName, address ?? ""), cancellationToken);
        if (errors.Count > 0) return new PasswordChangeResult(false, errors);
        await sessions.EndAllAsync(principal.UserId, "password changed", sessionToken, cancellationToken);
        await sessions.ClearMustChangeAsync(sessionToken, cancellationToken);
        return new PasswordChangeResult(true, []);
    }

    /// <summary>Ends the session behind <paramref name="sessionToken"/> (sign-out).</summary>
    public async Task SignOutAsync(string sessionToken, string address, CancellationToken cancellationToken)
    {
        var principal = await sessions.ValidateAsync(sessionToken, cancellationToken);
        var ended = await sessions.EndAsync(sessionToken, "sign-out", cancellationToken);
        if (ended && principal is not null)
            await AuditAsync(principal.UserName, address ?? "", AuditAction.SignOut, AuditResult.Success, "", cancellationToken);
    }

    private static SignInResult Failed() => new(false, GenericFailure, null, PasswordChangeReason.None);

    private Task AuditAsync(string user, string address, AuditAction action, AuditResult result, string detail, CancellationToken ct) =>
        audit.WriteAsync(new AuditEvent(clock.GetUtcNow().UtcDateTime, user, address, action, user, result, detail), ct);
}
