namespace Dashboard.Security.Audit;

/// <summary>What happened. Stored by name, so names are never renamed.</summary>
public enum AuditAction
{
    /// <summary>A sign-in succeeded.</summary>
    SignIn,
    /// <summary>A sign-in failed (wrong password, unknown account, locked, disabled).</summary>
    SignInFailed,
    /// <summary>An account was locked after repeated failures.</summary>
    Lockout,
    /// <summary>A session was ended by its user.</summary>
    SignOut,
    /// <summary>A password was changed by its user.</summary>
    PasswordChanged,
    /// <summary>An administrator issued a new one-time password.</summary>
    PasswordReset,
    /// <summary>An account was created.</summary>
    UserCreated,
    /// <summary>An account was disabled.</summary>
    UserDisabled,
    /// <summary>An account was enabled again.</summary>
    UserEnabled,
    /// <summary>An account's roles changed (old → new).</summary>
    RolesChanged,
    /// <summary>An account's regions changed (old → new).</summary>
    JurisdictionChanged,
    /// <summary>An API key was issued.</summary>
    ApiKeyCreated,
    /// <summary>An API key was revoked.</summary>
    ApiKeyRevoked,
    /// <summary>A target was edited (old → new).</summary>
    TargetEdited,
    /// <summary>A rating was overridden.</summary>
    OverrideAdded,
    /// <summary>A file was uploaded.</summary>
    Upload,
    /// <summary>Data was exported.</summary>
    Export,
    /// <summary>A report was downloaded.</summary>
    ReportDownload,
    /// <summary>A request was refused for lack of role or jurisdiction.</summary>
    AccessDenied,
    /// <summary>A query was rejected (invalid, too costly, outside the contract).</summary>
    QueryRejected,
    /// <summary>A supervision case was opened.</summary>
    CaseCreated,
    /// <summary>A supervision case changed status (old → new).</summary>
    CaseStatusChanged,
    /// <summary>The first administrator was created by the setup command.</summary>
    SetupAdministrator,
    /// <summary>Audit partitions older than the retention period were dropped.</summary>
    AuditRetention,
}

/// <summary>How it ended.</summary>
public enum AuditResult
{
    /// <summary>Done.</summary>
    Success,
    /// <summary>Tried and failed.</summary>
    Failure,
    /// <summary>Refused by an access rule.</summary>
    Denied,
}

/// <summary>
/// One line of the audit trail. Never holds a secret: no passwords, tokens, keys or hashes; an
/// unknown account name typed at sign-in is not recorded either, because it is often a password
/// typed into the wrong box.
/// </summary>
/// <param name="Time">When, UTC (stored to the second).</param>
/// <param name="User">The acting account name, or <see cref="AuditEvent.Anonymous"/>.</param>
/// <param name="Address">The client address.</param>
/// <param name="Action">What.</param>
/// <param name="Target">What it was done to (the "object" column) (an account name, a target id, a report id, a path).</param>
/// <param name="Result">How it ended.</param>
/// <param name="Detail">Old → new values or the reason; free text, no secrets.</param>
public sealed record AuditEvent(DateTime Time, string User, string Address, AuditAction Action, string Target, AuditResult Result, string Detail)
{
    /// <summary>The user recorded when no account is known.</summary>
    public const string Anonymous = "-";

    /// <summary>A unique id, so a reader can drop a retried insert's duplicate.</summary>
    public Guid Id { get; init; } = Guid.NewGuid();
}

/// <summary>Who acts and from where: recorded with every change.</summary>
/// <param name="UserName">The acting account name (or a tool name such as <c>setup</c>).</param>
/// <param name="Address">The client address, or <c>local</c> for console tools.</param>
public sealed record Actor(string UserName, string Address)
{
    /// <summary>A console tool run on the server.</summary>
    public static Actor Console(string tool) => new(tool, "local");
}

/// <summary>Where audit events go: ClickHouse in production (<see cref="AuditLog"/>), memory in tests.</summary>
public interface IAuditSink
{
    /// <summary>Appends one event.</summary>
    Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken);
}
