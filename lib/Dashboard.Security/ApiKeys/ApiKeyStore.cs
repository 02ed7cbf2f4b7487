using System.Security.Cryptography;
using System.Text;
using Dapper;
using Dashboard.Security.Audit;
using Dashboard.Security.SignIn;
using Dashboard.Security.Store;
using Dashboard.Security.Users;

namespace Dashboard.Security.ApiKeys;

/// <summary>An API key as listed (never the key itself).</summary>
/// <param name="Id">Stable id, used to revoke.</param>
/// <param name="UserId">The owner: the key acts with exactly the owner's current roles and regions.</param>
/// <param name="Name">The owner's label (e.g. "Excel on office PC").</param>
/// <param name="Prefix">The key's first characters, to tell keys apart.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="LastUsedAt">Last successful use.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
public sealed record ApiKeyInfo(string Id, string UserId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>A freshly issued key: <paramref name="Key"/> is shown this once and cannot be recovered.</summary>
public sealed record NewApiKey(string Key, ApiKeyInfo Info);

/// <summary>
/// Per-user API keys for OData clients (Excel, Power BI). A key is 256 random bits; only its SHA-256
/// is stored (a slow hash adds nothing for a random key of that size). A key works only while its
/// owner could work: revoked keys, disabled owners and owners who must change their password (one-time or expired) are refused.
/// </summary>
public sealed class ApiKeyStore(OperationalDatabase database, IAuditSink audit, TimeProvider clock, SecurityOptions options)
{
    /// <summary>How stale <see cref="ApiKeyInfo.LastUsedAt"/> may be: it is written at most once a minute per key.</summary>
    public const long LastUsedResolutionMs = 60_000;

    /// <summary>Every key starts with this, so leaked keys are easy to spot in scans.</summary>
    public const string KeyPrefix = "dsk_";

    /// <summary>Issues a key for <paramref name="userId"/>.</summary>
    /// <exception cref="UserStoreException">No such account, or it is disabled.</exception>
    public async Task<NewApiKey> CreateAsync(string userId, string name, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var label = string.IsNullOrWhiteSpace(name) ? "API key" : name.Trim();
        if (label.Length > 100) label = label[..100];
        var key = KeyPrefix + SessionStore.Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = UnixTime.Now(clock);
        var info = new ApiKeyInfo(Guid.NewGuid().ToString("N"), userId, label, key[..(KeyPrefix.Length + 6)], UnixTime.From(now), null, null);
        await using var c = await database.OpenAsync(cancellationToken);
        var owner = await c.QuerySingleOrDefaultAsync<(string UserName, long Disabled)>(new CommandDefinition(
            "SELECT user_name, disabled FROM users WHERE id = @userId", new { userId }, cancellationToken: cancellationToken));
        if (owner.UserName is null || owner.Disabled != 0) throw new UserStoreException("账户不存在或已停用");
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at, last_used_at, revoked_at)
            VALUES (@id, @userId, @name, @prefix, @hash, @now, NULL, NULL)
            """, new { id = info.Id, userId, name = label, prefix = info.Prefix, hash = Hash(key), now }, cancellationToken: cancellationToken));
        await AuditAsync(actor, AuditAction.ApiKeyCreated, owner.UserName, $"key {info.Id} ({info.Prefix}…) \"{label}\"", cancellationToken);
        return new NewApiKey(key, info);
    }

    /// <summary>
    /// The principal a key acts as (its owner, with the owner's current roles and regions), or null for
    /// an unknown or revoked key, a disabled owner, or an owner who must change the password first.
    /// </summary>
    public async Task<SecurityPrincipal?> ValidateAsync(string key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key) || !key.StartsWith(KeyPrefix, StringComparison.Ordinal) || key.Length > 100) return null;
        await using var c = await database.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<(string Id, string UserId, long? RevokedAt, long? LastUsedAt)>(new CommandDefinition(
            "SELECT id, user_id, revoked_at, last_used_at FROM api_keys WHERE key_hash = @hash", new { hash = Hash(key) }, cancellationToken: cancellationToken));
        if (row.Id is null || row.RevokedAt is not null) return null;
        var principal = await UserStore.LoadPrincipalAsync(c, row.UserId, mustChange: false, cancellationToken);
        if (principal is null) return null;
        var user = await c.QuerySingleAsync<(long MustChange, long ChangedAt)>(new CommandDefinition(
            "SELECT must_change_password, password_changed_at FROM users WHERE id = @id", new { id = row.UserId }, cancellationToken: cancellationToken));
        // Deny rather than hand back a must-change principal: a key has no way to change the password.
        var now = UnixTime.Now(clock);
        if (user.MustChange != 0 || now - user.ChangedAt >= (long)TimeSpan.FromDays(options.PasswordMaxAgeDays).TotalMilliseconds) return null;
        // "Last used" to the minute is all anyone reads; writing it on every request would serialise a busy
        // client's concurrent requests on the store's one writer.
        if (row.LastUsedAt is null || now - row.LastUsedAt.Value >= LastUsedResolutionMs)
            await c.ExecuteAsync(new CommandDefinition("UPDATE api_keys SET last_used_at = @now WHERE id = @id",
                new { id = row.Id, now }, cancellationToken: cancellationToken));
        return principal;
    }

    /// <summary>Revokes a key. Returns false when it does not exist or was already revoked.</summary>
    public async Task<bool> RevokeAsync(string keyId, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var c = await database.OpenAsync(cancellationToken);
        var n = await c.ExecuteAsync(new CommandDefinition("UPDATE api_keys SET revoked_at = @now WHERE id = @keyId AND revoked_at IS NULL",
            new { keyId, now = UnixTime.Now(clock) }, cancellationToken: cancellationToken));
        if (n > 0)
        {
            var owner = await c.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT u.user_name FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = @keyId", new { keyId }, cancellationToken: cancellationToken));
            await AuditAsync(actor, AuditAction.ApiKeyRevoked, owner ?? "", $"key {keyId}", cancellationToken);
        }
        return n > 0;
    }

    /// <summary>The keys of <paramref name="userId"/>, newest first, revoked ones included.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<KeyRow>(new CommandDefinition("""
            SELECT id AS Id, user_id AS UserId, name AS Name, prefix AS Prefix, created_at AS CreatedAt, last_used_at AS LastUsedAt, revoked_at AS RevokedAt
            FROM api_keys WHERE user_id = @userId ORDER BY created_at DESC, id
            """, new { userId }, cancellationToken: cancellationToken));
        return rows.Select(r => new ApiKeyInfo(r.Id, r.UserId, r.Name, r.Prefix, UnixTime.From(r.CreatedAt), UnixTime.From(r.LastUsedAt), UnixTime.From(r.RevokedAt))).ToList();
    }

    /// <summary>The stored form of a key: lower-case hex SHA-256.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private Task AuditAsync(Actor actor, AuditAction action, string target, string detail, CancellationToken ct) =>
        audit.WriteAsync(new AuditEvent(clock.GetUtcNow().UtcDateTime, actor.UserName, actor.Address, action, target, AuditResult.Success, detail), ct);

    private sealed class KeyRow
    {
        public string Id { get; set; } = "";
        public string UserId { get; set; } = "";
        public string Name { get; set; } = "";
        public string Prefix { get; set; } = "";
        public long CreatedAt { get; set; }
        public long? LastUsedAt { get; set; }
        public long? RevokedAt { get; set; }
    }
}
