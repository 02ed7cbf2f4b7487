using System.IO.Compression;
using System.Net;
using System.Runtime.CompilerServices;
using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Http;
using Dashboard.ClickHouse.Sql;

namespace Dashboard.ClickHouse.Bulk;

/// <summary>
/// Streams rows into a table as one INSERT whose TabSeparated body is written while it is sent: rows
/// are formatted into a small buffer and flushed to the request stream, so no batch is ever built as one
/// string and memory stays flat whatever the row count.
/// </summary>
/// <remarks>ClickHouse applies one INSERT per block atomically; a failed request may have stored earlier
/// blocks, so callers that retry must write idempotent rows (the observation tables deduplicate by key).</remarks>
public sealed class ClickHouseBulkWriter
{
    private readonly ClickHouseConnection _connection;
    private readonly string _insertSql;
    private readonly int _columns;

    internal ClickHouseBulkWriter(ClickHouseConnection connection, string table, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("Name at least one column.", nameof(columns));
        _connection = connection;
        _columns = columns.Count;
        var qualified = string.Join('.', table.Split('.').Select(SqlIdentifier.Quote));
        _insertSql = $"INSERT INTO {qualified} ({string.Join(", ", columns.Select(SqlIdentifier.Quote))}) FORMAT TabSeparated";
    }

    /// <summary>Bytes buffered before they are sent on (default 64 KiB).</summary>
    public int FlushBytes { get; init; } = 64 * 1024;

    /// <summary>The query id of the latest write.</summary>
    public string? LastQueryId { get; private set; }

    /// <summary>Writes rows given as value arrays in column order; returns the number of rows written.</summary>
    public Task<long> WriteAsync(IEnumerable<object?[]> rows, CancellationToken cancellationToken) =>
        WriteAsync(rows, WriteValues, cancellationToken);

    /// <summary>Writes rows given as value arrays in column order; returns the number of rows written.</summary>
    public Task<long> WriteAsync(IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken) =>
        WriteAsync(rows, WriteValues, cancellationToken);

    /// <summary>Writes typed rows: <paramref name="map"/> writes one row's values in column order, without boxing.</summary>
    public Task<long> WriteAsync<T>(IEnumerable<T> rows, Action<T, ClickHouseRowWriter> map, CancellationToken cancellationToken) =>
        WriteAsync(AsAsync(rows, cancellationToken), map, cancellationToken);

    /// <summary>Writes typed rows from an asynchronous source (e.g. a paged feed) as they arrive.</summary>
    public async Task<long> WriteAsync<T>(IAsyncEnumerable<T> rows, Action<T, ClickHouseRowWriter> map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(map);
        if (_connection.State != System.Data.ConnectionState.Open) throw new InvalidOperationException("Open the connection first.");
        var settings = _connection.Settings;
        var id = Guid.NewGuid().ToString("N");
        LastQueryId = id;
        var writer = new ClickHouseRowWriter(_columns);
        var content = new StreamingContent(async (stream, ct) =>
        {
            var target = settings.Compression ? new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true) : stream;
            try
            {
                await foreach (var row in rows.WithCancellation(ct))
                {
                    map(row, writer);
                    writer.EndRow();
                    if (writer.Written.Length >= FlushBytes)
                    {
                        await target.WriteAsync(writer.Written, ct);
                        writer.Reset();
                    }
                }
                await target.WriteAsync(writer.Written, ct);
                writer.Reset();
            }
            finally
            {
                if (settings.Compression) await target.DisposeAsync();
            }
        });
        if (settings.Compression) content.Headers.ContentEncoding.Add("gzip");

        using var request = ClickHouseHttp.CreateRequest(settings, _connection.Database, _insertSql, id, [], content);
        try
        {
            using var response = await ClickHouseHttp.SendAsync(request, _insertSql, id, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is ArgumentException or NotSupportedException)
        {
            // A row the caller's map could not write: report that, not a transport failure.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ClickHouseHttp.KillAsync(settings, id);
            throw;
        }
        return writer.Rows;
    }

    private void WriteValues(object?[] values, ClickHouseRowWriter writer)
    {
        if (values.Length != _columns)
            throw new ArgumentException($"A row has {values.Length} values where {_columns} columns were named.", nameof(values));
        foreach (var v in values) writer.Value(v);
    }

    private static async IAsyncEnumerable<T> AsAsync<T>(IEnumerable<T> rows, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            yield return row;
        }
        await Task.CompletedTask; // an async iterator needs an await; the source itself is synchronous
    }

    /// <summary>An HTTP body produced while it is sent (chunked), never buffered whole.</summary>
    private sealed class StreamingContent(Func<Stream, CancellationToken, Task> produce) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            produce(stream, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            produce(stream, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
