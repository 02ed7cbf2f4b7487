using Dashboard.Security.Roles;

namespace Dashboard.Security.Users;

/// <summary>An account as administrators see it (never with its password hash).</summary>
/// <param name="Id">Stable id.</param>
/// <param name="UserName">Sign-in name as entered at creation (matched case-insensitively).</param>
/// <param name="DisplayName">Name shown in the interface.</param>
/// <param name="Roles">Granted roles.</param>
/// <param name="Regions">Granted region codes (each with its sub-regions).</param>
/// <param name="Disabled">True when the account may not sign in.</param>
/// <param name="MustChangePassword">True until a one-time password is replaced.</param>
/// <param name="PasswordChangedAt">When the password was last set.</param>
/// <param name="LockedUntil">End of a running lockout, when there is one.</param>
/// <param name="CreatedAt">When the account was created.</param>
public sealed record User(string Id, string UserName, string DisplayName, IReadOnlyList<Role> Roles, IReadOnlyList<string> Regions,
    bool Disabled, bool MustChangePassword, DateTimeOffset PasswordChangedAt, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt);

/// <summary>What an administrator fills in for a new account (the password is generated).</summary>
public sealed record NewUser(string UserName, string DisplayName, IReadOnlyList<Role> Roles, IReadOnlyList<string> Regions);

/// <summary>A new account and its one-time password, shown once to the administrator and never stored in clear.</summary>
public sealed record CreatedUser(User User, string OneTimePassword);

/// <summary>
/// Who is signed in (by session or API key), as every read path needs it: roles for what, regions
/// for where. Built fresh from the store on each validation, so role or region changes apply at once.
/// </summary>
/// <param name="UserId">The account id.</param>
/// <param name="UserName">The account name.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="Roles">Current roles.</param>
/// <param name="Regions">Current region codes (expand with RegionHierarchy.ExpandAsync before filtering).</param>
/// <param name="MustChangePassword">True when only a password change may be allowed.</param>
public sealed record SecurityPrincipal(string UserId, string UserName, string DisplayName, IReadOnlyList<Role> Roles,
    IReadOnlyList<string> Regions, bool MustChangePassword)
{
    /// <summary>True when the principal holds <paramref name="role"/>.</summary>
    public bool IsInRole(Role role) => Roles.Contains(role);
}

/// <summary>A refused account change, with a Chinese message fit to show.</summary>
public sealed class UserStoreException(string message) : Exception(message);
