using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dashboard.ClickHouse.Sql;

namespace Dashboard.Compat.Tests.ChDb;

/// <summary>One statement the product sent, as the engine received it, and how it ended.</summary>
/// <param name="Sql">The statement text exactly as sent (for an INSERT with a data body: the query, without the data).</param>
/// <param name="Database">The database the request named ('' for none).</param>
/// <param name="Error">The engine's error, or null when it ran.</param>
public sealed record SentStatement(string Sql, string Database, string? Error);

/// <summary>
/// ClickHouse's HTTP interface, as far as lib/Dashboard.ClickHouse uses it, in front of chDB: the product's
/// own provider, stores and migrator run unchanged against the modern engine, so what the engine executes
/// is byte for byte what production sends (parameters bound by the provider, bulk bodies written by its
/// TabSeparated writer). Every statement is recorded.
/// </summary>
/// <remarks>
/// Understood: the SQL in the POST body, or <c>query=</c> in the URL with the body as INSERT data;
/// <c>database=</c> (a <c>USE</c> before the statement when it changes); <c>default_format=</c>; gzip request
/// bodies. Per-query limits (<c>max_execution_time</c>, <c>max_memory_usage</c>, <c>readonly</c>) are not
/// applied: they bound resources, not what a statement means. Errors answer HTTP 500 with the engine's
/// <c>Code: N. DB::Exception: …</c> text, which the provider parses as it does a server's.
/// </remarks>
public sealed class ChDbHttpServer : IAsyncDisposable
{
    private readonly ChDbSession _session;
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private string _currentDatabase = "default";

    /// <summary>Starts listening on a free local port.</summary>
    public ChDbHttpServer(ChDbSession session)
    {
        _session = session;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>A connection string for the product's provider (add a Database as needed).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};User=default;Password=";

    /// <summary>Every statement received, in order.</summary>
    public ConcurrentQueue<SentStatement> Statements { get; } = new();

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var request = context.Request;
            var parameters = request.QueryString;
            Stream input = request.InputStream;
            if (string.Equals(request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
                input = new GZipStream(input, CompressionMode.Decompress);
            string body;
            using (var reader = new StreamReader(input, Encoding.UTF8))
                body = await reader.ReadToEndAsync();

            var urlQuery = parameters["query"];
            var statement = urlQuery ?? body;
            // An INSERT … FORMAT X whose data is the body: the engine reads inline data after the statement.
            var sql = urlQuery is null ? body : urlQuery + "\n" + body;
            var database = parameters["database"] ?? "";
            var format = parameters["default_format"] ?? "TabSeparated";

            var (status, text) = Execute(sql, statement, database, format);
            var bytes = Encoding.UTF8.GetBytes(text);
            response.StatusCode = status;
            response.ContentType = "text/tab-separated-values; charset=UTF-8";
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
        catch (Exception e) when (e is IOException or HttpListenerException or InvalidDataException)
        {
            // The client went away or sent a broken body; the provider reports its own side of that.
            response.StatusCode = 400;
        }
        finally
        {
            response.Close();
        }
    }

    private (int Status, string Text) Execute(string sql, string statement, string database, string format)
    {
        // One statement at a time, with the session's current database switched under the same lock.
        lock (_gate)
        {
            try
            {
                var wanted = database.Length == 0 ? "default" : database;
                if (!string.Equals(wanted, _currentDatabase, StringComparison.Ordinal))
                {
                    _session.Query("USE " + SqlIdentifier.Quote(wanted));
                    _currentDatabase = wanted;
                }
                var output = _session.Query(sql, format);
                Statements.Enqueue(new SentStatement(statement, database, null));
                return (200, output);
            }
            catch (ChDbException e)
            {
                Statements.Enqueue(new SentStatement(statement, database, e.EngineMessage));
                var message = e.EngineMessage.StartsWith("Code: ", StringComparison.Ordinal) ? e.EngineMessage : "Code: 1000. DB::Exception: " + e.EngineMessage;
                return (500, message + "\n");
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Stops listening.</summary>
    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
