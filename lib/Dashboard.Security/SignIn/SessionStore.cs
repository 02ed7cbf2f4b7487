using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Dashboard.Security.Store;
using Dashboard.Security.Users;

namespace Dashboard.Security.SignIn;

/// <summary>A server-side session (the bearer token itself is never stored, only its SHA-256).</summary>
/// <param name="Id">Public id, safe to show and log.</param>
/// <param name="UserId">The account.</param>
/// <param name="Address">The client address at sign-in.</param>
/// <param name="CreatedAt">Sign-in time: the absolute timeout counts from here.</param>
/// <param name="LastSeenAt">Last validated request: the idle timeout counts from here.</param>
/// <param name="MustChangePassword">True when this session may only change the password.</param>
public sealed record Session(string Id, string UserId, string Address, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, bool MustChangePassword);

/// <summary>A new session and its bearer token (for the cookie), returned once.</summary>
public sealed record SessionTicket(string Token, Session Session);

/// <summary>
/// Server-side sessions with an idle timeout (default 30 minutes since the last request) and an
/// absolute one (default 12 hours since sign-in). Ending is server-side, so sign-out, disabling an
/// account or a password reset take effect on the very next request.
/// </summary>
public sealed class SessionStore(OperationalDatabase database, TimeProvider clock, SecurityOptions options)
{
    /// <summary>How often a session's last-seen time is written at most (the idle timeout's resolution): 15 seconds.</summary>
    public const long TouchResolutionMs = 15_000;

    /// <summary>Opens a session for <paramref name="userId"/>.</summary>
    public async Task<SessionTicket> CreateAsync(string userId, string address, bool mustChangePassword, CancellationToken cancellationToken)
    {
        var token = NewToken();
        var now = UnixTime.Now(clock);
        var session = new Session(Guid.NewGuid().ToString("N"), userId, address ?? "", UnixTime.From(now), UnixTime.From(now), mustChangePassword);
        await using var c = await database.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sessions (token_hash, id, user_id, address, created_at, last_seen_at, must_change_password, ended_at, end_reason)
            VALUES (@hash, @id, @userId, @address, @now, @now, @must, NULL, NULL)
            """, new { hash = HashToken(token), id = session.Id, userId, address = session.Address, now, must = mustChangePassword ? 1L : 0L },
            cancellationToken: cancellationToken));
        return new SessionTicket(token, session);
    }

    /// <summary>
    /// Checks a bearer token and, when the session is alive, records the request (touch) and returns
    /// who it is, with roles and regions read fresh. Returns null for an unknown, ended, idle or too
    /// old session, or a disabled account; an expired session is ended on the way.
    /// </summary>
    public async Task<SecurityPrincipal?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return null;
        var hash = HashToken(token);
        var now = UnixTime.Now(clock);
        await using var c = await database.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            "SELECT user_id AS UserId, created_at AS CreatedAt, last_seen_at AS LastSeenAt, must_change_password AS MustChange, ended_at AS EndedAt FROM sessions WHERE token_hash = @hash",
            new { hash }, cancellationToken: cancellationToken));
        if (row is null || row.EndedAt is not null) return null;
        string? expiry = null;
        if (now - row.LastSeenAt >= (long)TimeSpan.FromMinutes(options.IdleMinutes).TotalMilliseconds) expiry = "idle";
        else if (now - row.CreatedAt >= (long)TimeSpan.FromHours(options.AbsoluteHours).TotalMilliseconds) expiry = "absolute";
        if (expiry is not null)
        {
            await EndByHashAsync(c, hash, expiry, now, cancellationToken);
            return null;
        }
        var principal = await UserStore.LoadPrincipalAsync(c, row.UserId, row.MustChange != 0, cancellationToken);
        if (principal is null)
        {
            await EndByHashAsync(c, hash, "disabled", now, cancellationToken);
            return null;
        }
        // The idle clock restarts at most every TouchResolutionMs: a page's burst of api calls writes once, and
        // an idle timeout of minutes does not notice the difference.
        if (now - row.LastSeenAt >= TouchResolutionMs)
            await c.ExecuteAsync(new CommandDefinition("UPDATE sessions SET last_seen_at = @now WHERE token_hash = @hash AND ended_at IS NULL",
                new { hash, now }, cancellationToken: cancellationToken));
        return principal;
    }

    /// <summary>The session behind <paramref name="token"/> (alive or not), or null.</summary>
    public async Task<Session?> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token)) return null;
        await using var c = await database.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<FullRow>(new CommandDefinition(
            SelectFull + " WHERE token_hash = @hash", new { hash = HashToken(token) }, cancellationToken: cancellationToken));
        return row?.ToSession();
    }

    /// <summary>The sessions of <paramref name="userId"/> that have not been ended (some may have timed out unnoticed).</summary>
    public async Task<IReadOnlyList<Session>> ListOpenAsync(string userId, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<FullRow>(new CommandDefinition(
            SelectFull + " WHERE user_id = @userId AND ended_at IS NULL ORDER BY created_at", new { userId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSession()).ToList();
    }

    /// <summary>Ends the session behind <paramref name="token"/> (sign-out). Returns false when it was not open.</summary>
    public async Task<bool> EndAsync(string token, string reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token)) return false;
        await using var c = await database.OpenAsync(cancellationToken);
        return await EndByHashAsync(c, HashToken(token), reason, UnixTime.Now(clock), cancellationToken) > 0;
    }

    /// <summary>Ends every open session of <paramref name="userId"/>, optionally sparing one (the caller's own).</summary>
    /// <returns>How many sessions were ended.</returns>
    public async Task<int> EndAllAsync(string userId, string reason, string? exceptToken, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE sessions SET ended_at = @now, end_reason = @reason WHERE user_id = @userId AND ended_at IS NULL AND token_hash <> @spare",
            new { userId, reason, now = UnixTime.Now(clock), spare = exceptToken is null ? "" : HashToken(exceptToken) }, cancellationToken: cancellationToken));
    }

    internal async Task ClearMustChangeAsync(string token, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("UPDATE sessions SET must_change_password = 0 WHERE token_hash = @hash",
            new { hash = HashToken(token) }, cancellationToken: ct));
    }

    internal static Task<int> EndAllCoreAsync(DbConnection c, DbTransaction tx, string userId, string reason, long now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("UPDATE sessions SET ended_at = @now, end_reason = @reason WHERE user_id = @userId AND ended_at IS NULL",
            new { userId, reason, now }, tx, cancellationToken: ct));

    private static Task<int> EndByHashAsync(DbConnection c, string hash, string reason, long now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("UPDATE sessions SET ended_at = @now, end_reason = @reason WHERE token_hash = @hash AND ended_at IS NULL",
            new { hash, reason, now }, cancellationToken: ct));

    /// <summary>256 random bits, URL-safe.</summary>
    internal static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    internal static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private const string SelectFull = """
        SELECT id AS Id, user_id AS UserId, address AS Address, created_at AS CreatedAt, last_seen_at AS LastSeenAt,
               must_change_password AS MustChange
        FROM sessions
        """;

    private sealed class SessionRow
    {
        public string UserId { get; set; } = "";
        public long CreatedAt { get; set; }
        public long LastSeenAt { get; set; }
        public long MustChange { get; set; }
        public long? EndedAt { get; set; }
    }

    private sealed class FullRow
    {
        public string Id { get; set; } = "";
        public string UserId { get; set; } = "";
        public string Address { get; set; } = "";
        public long CreatedAt { get; set; }
        public long LastSeenAt { get; set; }
        public long MustChange { get; set; }

        public Session ToSession() => new(Id, UserId, Address, UnixTime.From(CreatedAt), UnixTime.From(LastSeenAt), MustChange != 0);
    }
}
