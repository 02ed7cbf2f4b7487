using System.Data.Common;

namespace Dashboard.ClickHouse.Ado;

/// <summary>What kind of failure a <see cref="ClickHouseException"/> reports, derived from the server's error code.</summary>
public enum ClickHouseErrorKind
{
    /// <summary>Any server error without a more specific kind.</summary>
    Query,
    /// <summary>The SQL did not parse (code 62).</summary>
    Syntax,
    /// <summary>A table, database, column or function does not exist (codes 46, 47, 60, 81).</summary>
    UnknownObject,
    /// <summary>Wrong user name or password (codes 192, 193, 516), or HTTP 401/403.</summary>
    Authentication,
    /// <summary>The query ran out of time on the server or in the client (code 159).</summary>
    Timeout,
    /// <summary>The query was cancelled (code 394).</summary>
    Cancelled,
    /// <summary>The result stream ended in the middle of a row.</summary>
    TruncatedResult,
}

/// <summary>An error ClickHouse reported, with the server's code and message and the query that caused it.</summary>
public class ClickHouseException : DbException
{
    /// <summary>Creates an exception for a server error.</summary>
    public ClickHouseException(int serverCode, string serverMessage, string? query, string? queryId, Exception? inner = null)
        : base(Describe(serverCode, serverMessage, queryId), inner)
    {
        ServerCode = serverCode;
        ServerMessage = serverMessage;
        Query = query;
        QueryId = queryId;
        Kind = KindOf(serverCode);
    }

    /// <summary>Creates an exception of an explicit kind (client-side failures have server code 0).</summary>
    public ClickHouseException(ClickHouseErrorKind kind, string message, string? query, string? queryId, Exception? inner = null)
        : base(message, inner)
    {
        ServerMessage = message;
        Query = query;
        QueryId = queryId;
        Kind = kind;
    }

    /// <summary>The server's error code (e.g. 60 for an unknown table), or 0 for a client-side failure.</summary>
    public int ServerCode { get; }

    /// <summary>The server's error message as it sent it.</summary>
    public string ServerMessage { get; }

    /// <summary>The SQL that was sent, parameters already inlined.</summary>
    public string? Query { get; }

    /// <summary>The query id the statement ran under (search system.query_log for it).</summary>
    public string? QueryId { get; }

    /// <summary>The kind of failure.</summary>
    public ClickHouseErrorKind Kind { get; }

    /// <inheritdoc />
    public override int ErrorCode => ServerCode;

    private static string Describe(int code, string message, string? queryId) =>
        $"ClickHouse error {code} ({KindOf(code)}): {message}" + (queryId is null ? "" : $" [query id {queryId}]");

    private static ClickHouseErrorKind KindOf(int code) => code switch
    {
        62 => ClickHouseErrorKind.Syntax,
        46 or 47 or 60 or 81 => ClickHouseErrorKind.UnknownObject,
        192 or 193 or 516 => ClickHouseErrorKind.Authentication,
        159 => ClickHouseErrorKind.Timeout,
        394 => ClickHouseErrorKind.Cancelled,
        _ => ClickHouseErrorKind.Query,
    };
}

/// <summary>The server could not be reached (refused, reset, DNS, TLS): nothing was executed, or it is unknown whether it was.</summary>
public sealed class ClickHouseConnectionException : DbException
{
    /// <summary>Creates the exception for an endpoint.</summary>
    public ClickHouseConnectionException(string endpoint, Exception inner)
        : base($"Cannot reach ClickHouse at {endpoint}: {inner?.Message}", inner)
    {
        Endpoint = endpoint;
    }

    /// <summary>The endpoint, without credentials.</summary>
    public string Endpoint { get; }
}
