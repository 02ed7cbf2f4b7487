using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Dashboard.ClickHouse.Http;
using Dashboard.ClickHouse.Sql;

namespace Dashboard.ClickHouse.Ado;

/// <summary>
/// A SQL statement for ClickHouse. <c>@name</c> placeholders are replaced by escaped literals of the
/// parameter values (one escaping routine, <see cref="SqlLiteral"/>); each execution runs under its own
/// query id, and cancellation or a timeout kills the query on the server, not only the HTTP request.
/// </summary>
public sealed class ClickHouseCommand : DbCommand
{
    private const string ResultFormat = "TabSeparatedWithNamesAndTypes";
    // The client waits this much longer than the server's own max_execution_time, so the server's
    // clearer timeout error normally wins.
    private static readonly TimeSpan ClientGrace = TimeSpan.FromSeconds(5);

    private ClickHouseConnection? _connection;
    private int? _timeout;
    private volatile string? _running;

    /// <summary>Creates a command without a connection.</summary>
    public ClickHouseCommand() { }

    /// <summary>Creates a command on a connection.</summary>
    public ClickHouseCommand(ClickHouseConnection connection, string? commandText = null)
    {
        _connection = connection;
        CommandText = commandText ?? "";
    }

    /// <inheritdoc />
    [AllowNull]
    public override string CommandText { get; set; } = "";

    /// <summary>Seconds before the query is killed (default: the connection string's Timeout; 0 = none).</summary>
    public override int CommandTimeout
    {
        get => _timeout ?? _connection?.Settings.Timeout ?? 30;
        set => _timeout = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "A timeout cannot be negative.");
    }

    /// <inheritdoc />
    public override CommandType CommandType
    {
        get => CommandType.Text;
        set
        {
            if (value != CommandType.Text) throw new NotSupportedException("ClickHouse runs only text commands.");
        }
    }

    /// <inheritdoc />
    public override bool DesignTimeVisible { get; set; }

    /// <inheritdoc />
    public override UpdateRowSource UpdatedRowSource { get; set; }

    /// <summary>The query id to run under; when null each execution gets a fresh one.</summary>
    public string? QueryId { get; set; }

    /// <summary>The query id of the latest execution (find it in system.query_log or system.processes).</summary>
    public string? LastQueryId { get; private set; }

    /// <summary>ClickHouse settings sent with the query (names are checked to be plain identifiers).</summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <inheritdoc cref="DbCommand.Parameters" />
    public new ClickHouseParameterCollection Parameters { get; } = new();

    /// <inheritdoc />
    protected override DbParameterCollection DbParameterCollection => Parameters;

    /// <inheritdoc />
    protected override DbConnection? DbConnection
    {
        get => _connection;
        set => _connection = value as ClickHouseConnection ?? (value is null ? null : throw new ArgumentException("Expected a ClickHouseConnection.", nameof(value)));
    }

    /// <inheritdoc />
    protected override DbTransaction? DbTransaction { get; set; }

    /// <summary>The SQL that will be sent: the command text with every placeholder replaced by its literal.</summary>
    public string BuildSql() => SqlText.BindParameters(CommandText, (name, sb, form) =>
    {
        if (Parameters.Find(name) is not { } p) return false;
        SqlLiteral.Append(sb, p.Value, p.ExplicitDbType, form);
        return true;
    });

    /// <summary>Kills the running execution on the server.</summary>
    public override void Cancel()
    {
        if (_running is { } id && _connection is not null) ClickHouseHttp.Kill(_connection.Settings, id);
    }

    /// <inheritdoc />
    public override void Prepare() { }

    /// <inheritdoc />
    protected override DbParameter CreateDbParameter() => new ClickHouseParameter();

    /// <summary>Creates a parameter.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Hides DbCommand.CreateParameter, an instance member by contract.")]
    public new ClickHouseParameter CreateParameter() => new();

    /// <inheritdoc />
    public override int ExecuteNonQuery()
    {
        using var response = Send(format: null, CancellationToken.None, out _, out _);
        using var body = response.Content.ReadAsStream();
        body.CopyTo(Stream.Null);
        return -1;
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        var (response, _, _) = await SendAsync(format: null, cancellationToken);
        using (response)
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(Stream.Null, cancellationToken);
        }
        return -1;
    }

    /// <inheritdoc />
    public override object? ExecuteScalar()
    {
        using var reader = ExecuteReader();
        return reader.Read() ? reader.GetValue(0) : null;
    }

    /// <inheritdoc />
    public override async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        await using var reader = await ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetValue(0) : null;
    }

    /// <inheritdoc cref="DbCommand.ExecuteReader()" />
    public new ClickHouseDataReader ExecuteReader() => (ClickHouseDataReader)ExecuteDbDataReader(CommandBehavior.Default);

    /// <inheritdoc cref="DbCommand.ExecuteReaderAsync(CancellationToken)" />
    public new async Task<ClickHouseDataReader> ExecuteReaderAsync(CancellationToken cancellationToken) =>
        (ClickHouseDataReader)await ExecuteDbDataReaderAsync(CommandBehavior.Default, cancellationToken);

    /// <inheritdoc />
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        var response = Send(ResultFormat, CancellationToken.None, out var sql, out var id);
        try
        {
            return ClickHouseDataReader.Create(response, Connection.Settings, Connection.ReadingZone, sql, id, CancellationToken.None);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        var (response, sql, id) = await SendAsync(ResultFormat, cancellationToken);
        try
        {
            return await ClickHouseDataReader.CreateAsync(response, Connection.Settings, Connection.ReadingZone, sql, id, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            response.Dispose();
            await ClickHouseHttp.KillAsync(Connection.Settings, id);
            throw;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private new ClickHouseConnection Connection =>
        _connection is { State: ConnectionState.Open } c ? c : throw new InvalidOperationException("The command needs an open ClickHouseConnection.");

    private (string Sql, string Id, List<KeyValuePair<string, string>> Settings) Prepare(string? format)
    {
        var sql = BuildSql();
        var id = QueryId ?? Guid.NewGuid().ToString("N");
        LastQueryId = id;
        var settings = new List<KeyValuePair<string, string>>(Settings);
        if (format is not null) settings.Add(new("default_format", format));
        if (CommandTimeout > 0) settings.Add(new("max_execution_time", CommandTimeout.ToString(CultureInfo.InvariantCulture)));
        return (sql, id, settings);
    }

    private HttpResponseMessage Send(string? format, CancellationToken ct, out string sql, out string id)
    {
        var connection = Connection;
        (sql, id, var settings) = Prepare(format);
        using var timeout = CommandTimeout > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(CommandTimeout) + ClientGrace) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout?.Token ?? CancellationToken.None);
        using var request = ClickHouseHttp.CreateRequest(connection.Settings, connection.Database, sql, id, settings);
        _running = id;
        try
        {
            return ClickHouseHttp.Send(request, sql, id, linked.Token);
        }
        catch (OperationCanceledException e) when (timeout?.IsCancellationRequested == true && !ct.IsCancellationRequested)
        {
            ClickHouseHttp.Kill(connection.Settings, id);
            throw TimedOut(sql, id, e);
        }
        finally
        {
            _running = null;
        }
    }

    private async Task<(HttpResponseMessage Response, string Sql, string Id)> SendAsync(string? format, CancellationToken ct)
    {
        var connection = Connection;
        var (sql, id, settings) = Prepare(format);
        using var timeout = CommandTimeout > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(CommandTimeout) + ClientGrace) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout?.Token ?? CancellationToken.None);
        using var request = ClickHouseHttp.CreateRequest(connection.Settings, connection.Database, sql, id, settings);
        _running = id;
        try
        {
            return (await ClickHouseHttp.SendAsync(request, sql, id, linked.Token), sql, id);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await ClickHouseHttp.KillAsync(connection.Settings, id);
            throw;
        }
        catch (OperationCanceledException e) when (timeout?.IsCancellationRequested == true)
        {
            await ClickHouseHttp.KillAsync(connection.Settings, id);
            throw TimedOut(sql, id, e);
        }
        finally
        {
            _running = null;
        }
    }

    private ClickHouseException TimedOut(string sql, string id, Exception inner) =>
        new(ClickHouseErrorKind.Timeout, $"The query did not answer within {CommandTimeout} s and was cancelled on the server.", sql, id, inner);
}
