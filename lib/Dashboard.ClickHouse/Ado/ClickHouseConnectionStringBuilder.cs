using System.Data.Common;
using System.Globalization;

namespace Dashboard.ClickHouse.Ado;

/// <summary>
/// Connection string keys: <c>Host</c>, <c>Port</c>, <c>Database</c>, <c>User</c>, <c>Password</c>,
/// <c>Timeout</c> (seconds per command, 0 = none), <c>Compression</c> (gzip both ways) and <c>UseHttps</c>.
/// Example: <c>Host=127.0.0.1;Port=8123;Database=dashboard;User=default;Password=…;Timeout=30</c>.
/// </summary>
public sealed class ClickHouseConnectionStringBuilder : DbConnectionStringBuilder
{
    /// <summary>Creates an empty builder.</summary>
    public ClickHouseConnectionStringBuilder() { }

    /// <summary>Parses a connection string.</summary>
    public ClickHouseConnectionStringBuilder(string? connectionString) => ConnectionString = connectionString ?? "";

    /// <summary>Host name or address (default 127.0.0.1).</summary>
    public string Host { get => Get("Host") ?? "127.0.0.1"; set => this["Host"] = value; }

    /// <summary>HTTP port (default 8123).</summary>
    public int Port { get => GetInt("Port", 8123); set => this["Port"] = value; }

    /// <summary>Default database for unqualified names; empty for the server's default.</summary>
    public string Database { get => Get("Database") ?? ""; set => this["Database"] = value; }

    /// <summary>User name (default "default").</summary>
    public string User { get => Get("User") ?? Get("Username") ?? "default"; set => this["User"] = value; }

    /// <summary>Password. Never logged and never part of an exception message.</summary>
    public string Password { get => Get("Password") ?? ""; set => this["Password"] = value; }

    /// <summary>Command timeout in seconds (default 30; 0 means none).</summary>
    public int Timeout { get => GetInt("Timeout", 30); set => this["Timeout"] = value; }

    /// <summary>Compress responses and bulk inserts with gzip (default false).</summary>
    public bool Compression { get => GetBool("Compression"); set => this["Compression"] = value; }

    /// <summary>Use https instead of http (default false).</summary>
    public bool UseHttps { get => GetBool("UseHttps"); set => this["UseHttps"] = value; }

    /// <summary>The base URI of the server, without credentials.</summary>
    public Uri BaseUri => new UriBuilder(UseHttps ? "https" : "http", Host, Port, "/").Uri;

    private string? Get(string key) => TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;

    private int GetInt(string key, int fallback)
    {
        var s = Get(key);
        if (s is null) return fallback;
        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v
            : throw new ArgumentException($"Connection string key {key} must be a non-negative whole number, not '{s}'.");
    }

    private bool GetBool(string key)
    {
        var s = Get(key);
        if (s is null) return false;
        return bool.TryParse(s, out var v) ? v
            : s == "1" ? true : s == "0" ? false
            : throw new ArgumentException($"Connection string key {key} must be true or false, not '{s}'.");
    }
}
