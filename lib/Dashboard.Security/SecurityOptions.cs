namespace Dashboard.Security;

/// <summary>Which database engine holds the operational store.</summary>
public enum StoreProvider
{
    /// <summary>One SQLite file, no server (the default).</summary>
    Sqlite,
    /// <summary>PostgreSQL, when several nodes share the store.</summary>
    PostgreSql,
}

/// <summary>Where the operational store is.</summary>
public sealed class StoreOptions
{
    /// <summary>The engine (default SQLite).</summary>
    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>The ADO.NET connection string of the engine (may hold a password: never log it).</summary>
    public string ConnectionString { get; set; } = "Data Source=dashboard-security.db";
}

/// <summary>Security settings, configuration section <c>Security</c>.</summary>
public sealed class SecurityOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Security";

    /// <summary>The operational store.</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>Days a password stays valid before a change is forced (default 90).</summary>
    public int PasswordMaxAgeDays { get; set; } = 90;

    /// <summary>How many previous passwords (the current one included) a new password may not repeat (default 5).</summary>
    public int PasswordHistory { get; set; } = 5;

    /// <summary>Consecutive failed sign-ins that lock an account (default 5).</summary>
    public int LockoutFailures { get; set; } = 5;

    /// <summary>How long a lockout lasts, in minutes (default 15).</summary>
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>A session unused for this many minutes ends (default 30).</summary>
    public int IdleMinutes { get; set; } = 30;

    /// <summary>A session ends this many hours after sign-in however active it is (default 12).</summary>
    public int AbsoluteHours { get; set; } = 12;

    /// <summary>Throws when a setting is outside what the security baseline allows.</summary>
    /// <exception cref="InvalidOperationException">A setting is out of range.</exception>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new InvalidOperationException($"Security options: {message}");
        }
        Check(!string.IsNullOrWhiteSpace(Store.ConnectionString), "Store:ConnectionString is empty.");
        Check(PasswordMaxAgeDays is >= 1 and <= 365, "PasswordMaxAgeDays must be 1..365.");
        Check(PasswordHistory is >= 1 and <= 24, "PasswordHistory must be 1..24.");
        Check(LockoutFailures is >= 3 and <= 10, "LockoutFailures must be 3..10.");
        Check(LockoutMinutes is >= 1 and <= 1440, "LockoutMinutes must be 1..1440.");
        Check(IdleMinutes is >= 1 and <= 120, "IdleMinutes must be 1..120.");
        Check(AbsoluteHours is >= 1 and <= 24, "AbsoluteHours must be 1..24.");
    }
}
