using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Dashboard.ClickHouse.Bulk;
using Dashboard.ClickHouse.Sql;

namespace Dashboard.ClickHouse.Ado;

/// <summary>
/// A connection to ClickHouse over HTTP. There is no socket to hold: opening detects the server's version
/// and time zone once per endpoint and process (which also proves the credentials), and every command is
/// its own HTTP request over a process-wide connection pool.
/// </summary>
public sealed class ClickHouseConnection : DbConnection
{
    private static readonly ConcurrentDictionary<string, ServerInfo> Servers = new(StringComparer.Ordinal);

    private ClickHouseConnectionStringBuilder _settings = new();
    private string _database = "";
    private ConnectionState _state = ConnectionState.Closed;
    private ServerInfo? _server;

    /// <summary>Creates a connection without a connection string.</summary>
    public ClickHouseConnection() { }

    /// <summary>Creates a connection from a connection string (see <see cref="ClickHouseConnectionStringBuilder"/>).</summary>
    public ClickHouseConnection(string connectionString) => ConnectionString = connectionString;

    /// <inheritdoc />
    [AllowNull]
    public override string ConnectionString
    {
        get => _settings.ConnectionString;
        set
        {
            if (_state != ConnectionState.Closed) throw new InvalidOperationException("Close the connection before changing its connection string.");
            _settings = new ClickHouseConnectionStringBuilder(value);
            if (_settings.Database.Length > 0) SqlIdentifier.Validate(_settings.Database);
            _database = _settings.Database;
        }
    }

    internal ClickHouseConnectionStringBuilder Settings => _settings;

    /// <inheritdoc />
    public override string Database => _database;

    /// <inheritdoc />
    public override string DataSource => $"{_settings.Host}:{_settings.Port}";

    /// <inheritdoc />
    public override string ServerVersion => Server.Version;

    /// <summary>The server's version as numbers (e.g. 18.16.1).</summary>
    public Version ServerVersionNumber => Server.Number;

    /// <summary>The server's time zone: DateTime columns without their own zone are in it.</summary>
    public TimeZoneInfo ServerTimeZone => Server.Zone;

    // The detection query itself reads only strings; until it answers, zone-less DateTimes read as UTC.
    internal TimeZoneInfo ReadingZone => _server?.Zone ?? TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override ConnectionState State => _state;

    private ServerInfo Server => _server ?? throw new InvalidOperationException("Open the connection first.");

    /// <inheritdoc />
    public override void ChangeDatabase(string databaseName) => _database = SqlIdentifier.Validate(databaseName);

    /// <inheritdoc />
    public override void Open()
    {
        if (_state == ConnectionState.Open) return;
        if (!Servers.TryGetValue(ServerKey(), out var info))
        {
            _state = ConnectionState.Open; // the detection query needs an open connection
            try
            {
                using var command = DetectionCommand();
                using var reader = command.ExecuteReader();
                info = Servers.GetOrAdd(ServerKey(), ToInfo(reader, reader.Read()));
            }
            catch
            {
                _state = ConnectionState.Closed;
                throw;
            }
        }
        _server = info;
        _state = ConnectionState.Open;
    }

    /// <inheritdoc />
    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_state == ConnectionState.Open) return;
        if (!Servers.TryGetValue(ServerKey(), out var info))
        {
            _state = ConnectionState.Open;
            try
            {
                using var command = DetectionCommand();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                info = Servers.GetOrAdd(ServerKey(), ToInfo(reader, await reader.ReadAsync(cancellationToken)));
            }
            catch
            {
                _state = ConnectionState.Closed;
                throw;
            }
        }
        _server = info;
        _state = ConnectionState.Open;
    }

    /// <inheritdoc />
    public override void Close() => _state = ConnectionState.Closed;

    /// <inheritdoc />
    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) =>
        throw new NotSupportedException("ClickHouse has no transactions.");

    /// <inheritdoc />
    protected override DbCommand CreateDbCommand() => new ClickHouseCommand(this);

    /// <inheritdoc cref="DbConnection.CreateCommand" />
    public new ClickHouseCommand CreateCommand() => new(this);

    /// <summary>Creates a command with its text.</summary>
    public ClickHouseCommand CreateCommand(string sql) => new(this, sql);

    /// <summary>Creates a bulk writer that streams rows into <paramref name="table"/>'s <paramref name="columns"/>.</summary>
    public ClickHouseBulkWriter CreateBulkWriter(string table, IReadOnlyList<string> columns) => new(this, table, columns);

    /// <summary>Returns a copy of the connection string with another database (validated), for tools that create it.</summary>
    public static string WithDatabase(string connectionString, string database)
    {
        var b = new ClickHouseConnectionStringBuilder(connectionString) { Database = database.Length == 0 ? "" : SqlIdentifier.Validate(database) };
        return b.ConnectionString;
    }

    private ClickHouseCommand DetectionCommand() =>
        // Runs with the connection's database, so a missing database fails here, at Open, clearly.
        new(this, "SELECT version() AS version, timezone() AS zone") { CommandTimeout = Math.Max(_settings.Timeout, 10) };

    private static ServerInfo ToInfo(ClickHouseDataReader reader, bool hasRow)
    {
        if (!hasRow) throw new ClickHouseException(ClickHouseErrorKind.Query, "The server did not report its version.", null, reader.QueryId);
        var version = reader.GetString(0);
        var digits = string.Join('.', version.Split('.').Take(4).Select(p => new string(p.TakeWhile(char.IsAsciiDigit).ToArray())).Where(p => p.Length > 0));
        var number = Version.TryParse(digits.Contains('.', StringComparison.Ordinal) ? digits : digits + ".0", out var v) ? v : new Version(0, 0);
        var zoneName = reader.GetString(1);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var z) ? z : TimeZoneInfo.Utc;
        return new ServerInfo(version, number, zone);
    }

    private string ServerKey()
    {
        // The password takes part (hashed) so a wrong password is not hidden by an earlier good one.
        var secret = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_settings.Password)));
        return $"{_settings.BaseUri}|{_settings.User}|{secret}";
    }

    private sealed record ServerInfo(string Version, Version Number, TimeZoneInfo Zone);
}
