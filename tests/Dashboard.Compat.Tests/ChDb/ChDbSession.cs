using System.Runtime.InteropServices;
using System.Text;

namespace Dashboard.Compat.Tests.ChDb;

/// <summary>A statement the embedded engine refused: its own message and the statement as sent.</summary>
public sealed class ChDbException(string message, string sql)
    : Exception($"chDB refused the statement: {message}\n--- statement ---\n{sql}")
{
    /// <summary>The engine's message (<c>Code: N. DB::Exception: …</c>).</summary>
    public string EngineMessage { get; } = message;

    /// <summary>The statement exactly as it was sent.</summary>
    public string Sql { get; } = sql;
}

/// <summary>
/// One connection to chDB (the current ClickHouse engine in-process, from libchdb.so), through its v2 C API:
/// <c>chdb_connect</c>, <c>chdb_query_n</c>, <c>chdb_result_buffer</c> / <c>_length</c> / <c>_error</c>,
/// <c>chdb_destroy_query_result</c> and <c>chdb_close_conn</c> (signatures from chdb.h of the 26.x line; the npm
/// package ships only the library).
/// </summary>
/// <remarks>
/// chDB runs one engine per process and one statement at a time per connection: queries are serialised here,
/// and the session should live for the whole test run (closing the last connection shuts the engine down, and
/// booting it again in the same process is what chdb.h warns against).
/// </remarks>
public sealed unsafe class ChDbSession : IDisposable
{
    private readonly Lock _gate = new();
    private readonly delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, IntPtr> _query;
    private readonly delegate* unmanaged<IntPtr, byte*> _buffer;
    private readonly delegate* unmanaged<IntPtr, nuint> _length;
    private readonly delegate* unmanaged<IntPtr, IntPtr> _error;
    private readonly delegate* unmanaged<IntPtr, void> _destroy;
    private readonly delegate* unmanaged<IntPtr, void> _close;
    private IntPtr _connection; // chdb_connection* (a pointer to the handle), as chdb_connect returns it

    private ChDbSession(IntPtr library, string path)
    {
        var connect = (delegate* unmanaged<int, IntPtr*, IntPtr>)Export(library, "chdb_connect");
        _query = (delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, IntPtr>)Export(library, "chdb_query_n");
        _buffer = (delegate* unmanaged<IntPtr, byte*>)Export(library, "chdb_result_buffer");
        _length = (delegate* unmanaged<IntPtr, nuint>)Export(library, "chdb_result_length");
        _error = (delegate* unmanaged<IntPtr, IntPtr>)Export(library, "chdb_result_error");
        _destroy = (delegate* unmanaged<IntPtr, void>)Export(library, "chdb_destroy_query_result");
        _close = (delegate* unmanaged<IntPtr, void>)Export(library, "chdb_close_conn");

        // argv as the C side expects it: NUL-terminated UTF-8 strings, the program name first.
        string[] args = ["clickhouse", "--path=" + path];
        var argv = new IntPtr[args.Length];
        try
        {
            for (var i = 0; i < args.Length; i++) argv[i] = Marshal.StringToCoTaskMemUTF8(args[i]);
            fixed (IntPtr* p = argv) _connection = connect(args.Length, p);
        }
        finally
        {
            foreach (var a in argv) Marshal.FreeCoTaskMem(a);
        }
        if (_connection == IntPtr.Zero || Marshal.ReadIntPtr(_connection) == IntPtr.Zero)
            throw new InvalidOperationException($"chdb_connect failed for --path={path}.");
    }

    /// <summary>The folder the engine keeps its databases in.</summary>
    public string DataPath { get; private init; } = "";

    /// <summary>Loads the library and opens a connection whose data lives in <paramref name="path"/>.</summary>
    public static ChDbSession Open(string libraryPath, string path)
    {
        var library = NativeLibrary.Load(libraryPath);
        return new ChDbSession(library, path) { DataPath = path };
    }

    /// <summary>Runs one statement; returns its output in <paramref name="format"/> (empty for DDL and INSERT).</summary>
    /// <exception cref="ChDbException">The engine refused the statement.</exception>
    public string Query(string sql, string format = "TabSeparated")
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(format);
        var sqlBytes = Encoding.UTF8.GetBytes(sql);
        var formatBytes = Encoding.UTF8.GetBytes(format);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_connection == IntPtr.Zero, this);
            IntPtr result;
            fixed (byte* q = sqlBytes)
            fixed (byte* f = formatBytes)
                result = _query(Marshal.ReadIntPtr(_connection), q, (nuint)sqlBytes.Length, f, (nuint)formatBytes.Length);
            if (result == IntPtr.Zero) throw new ChDbException("chdb_query_n returned no result.", sql);
            try
            {
                var error = _error(result);
                if (error != IntPtr.Zero) throw new ChDbException(Marshal.PtrToStringUTF8(error) ?? "(no message)", sql);
                var length = checked((int)_length(result));
                var buffer = _buffer(result);
                return length == 0 || buffer is null ? "" : Encoding.UTF8.GetString(buffer, length);
            }
            finally
            {
                _destroy(result);
            }
        }
    }

    /// <summary>Closes the connection (the engine shuts down with its last connection).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_connection == IntPtr.Zero) return;
            var connection = _connection;
            _connection = IntPtr.Zero;
            // chdb_close_conn takes the address of the handle, as chdb_connect handed it out.
            _close(connection);
        }
    }

    private static IntPtr Export(IntPtr library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new EntryPointNotFoundException($"libchdb.so exports no {name}: this chDB version's C API differs from the one this wrapper binds (26.x).");
}
