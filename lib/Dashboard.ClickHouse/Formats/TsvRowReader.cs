using System.Buffers;
using System.Text;
using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Http;

namespace Dashboard.ClickHouse.Formats;

/// <summary>
/// Reads TabSeparated rows from a stream through one pooled buffer: memory stays bounded by the
/// longest row, whatever the result size. Field positions point into the buffer and are valid until
/// the next row is read.
/// </summary>
internal sealed class TsvRowReader : IDisposable
{
    private const int InitialBuffer = 256 * 1024;
    private const int MaxRowBytes = 512 * 1024 * 1024;
    // ClickHouse writes an error that happens after rows have streamed as a final "Code: NNN, …" line
    // inside the 200 body. A line that looks like one and is the last line of the stream is that error;
    // one followed by more rows is data. This bounds how far ahead the reader waits to decide.
    private const int MaxTrailingErrorBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly string _sql;
    private readonly string _queryId;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private int _next;      // where the next row starts
    private int _end;       // end of valid data
    private bool _eof;
    private int[] _starts = new int[16];
    private int[] _ends = new int[16];
    private long _rows;

    public TsvRowReader(Stream stream, string sql, string queryId)
    {
        _stream = stream;
        _sql = sql;
        _queryId = queryId;
    }

    /// <summary>Fields expected per row; -1 until the first row (the header) fixes it.</summary>
    public int FieldCount { get; set; } = -1;

    public long RowsRead => _rows;

    public int BufferBytes => _buffer.Length;

    public ReadOnlySpan<byte> Field(int i) => _buffer.AsSpan(_starts[i], _ends[i] - _starts[i]);

    public bool IsNull(int i) => _ends[i] - _starts[i] == 2 && _buffer[_starts[i]] == (byte)'\\' && _buffer[_starts[i] + 1] == (byte)'N';

    public string FieldString(int i) => Types.TsvEscaping.Unescape(Field(i));

    /// <summary>Reads the next row with blocking I/O; false at the end of the result.</summary>
    public bool Read()
    {
        while (true)
        {
            switch (TryParseRow())
            {
                case Step.Row: return true;
                case Step.End: return false;
            }
            Compact();
            int n;
            try
            {
                n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            }
            catch (IOException e)
            {
                throw Broken(e);
            }
            if (n == 0) _eof = true;
            _end += n;
        }
    }

    /// <summary>Moves to the next row when it is already buffered (no I/O); false when reading needs I/O.</summary>
    public bool TryReadBuffered(out bool hasRow)
    {
        switch (TryParseRow())
        {
            case Step.Row: hasRow = true; return true;
            case Step.End: hasRow = false; return true;
            default: hasRow = false; return false;
        }
    }

    /// <summary>Reads the next row; completes synchronously while rows are buffered.</summary>
    public ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        var step = TryParseRow();
        return step switch
        {
            Step.Row => new ValueTask<bool>(true),
            Step.End => new ValueTask<bool>(false),
            _ => ReadSlowAsync(ct),
        };
    }

    private async ValueTask<bool> ReadSlowAsync(CancellationToken ct)
    {
        while (true)
        {
            Compact();
            int n;
            try
            {
                n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
            }
            catch (IOException e)
            {
                throw Broken(e);
            }
            if (n == 0) _eof = true;
            _end += n;
            switch (TryParseRow())
            {
                case Step.Row: return true;
                case Step.End: return false;
            }
        }
    }

    private enum Step { Row, End, NeedMore }

    private Step TryParseRow()
    {
        var data = _buffer.AsSpan(_next, _end - _next);
        if (data.Length == 0)
            return _eof ? Step.End : Step.NeedMore;

        // One vectorised search for the row's end, then one for each tab inside the row: cheaper than a
        // search for either byte per field on short fields.
        var rowEnd = data.IndexOf((byte)'\n');
        if (rowEnd < 0)
        {
            if (!_eof) return Step.NeedMore;
            ThrowIfTrailingError(data);
            throw new ClickHouseException(ClickHouseErrorKind.TruncatedResult,
                $"The result ended in the middle of row {_rows + 1}: the connection or the server stopped before the result was complete.", _sql, _queryId);
        }
        var line = data[..rowEnd];
        var pos = 0;
        var field = 0;
        while (true)
        {
            if (field == _starts.Length)
            {
                Array.Resize(ref _starts, field * 2);
                Array.Resize(ref _ends, field * 2);
            }
            var tab = line[pos..].IndexOf((byte)'\t');
            _starts[field] = _next + pos;
            if (tab < 0)
            {
                _ends[field] = _next + rowEnd;
                field++;
                pos = rowEnd + 1;
                break;
            }
            _ends[field] = _next + pos + tab;
            field++;
            pos += tab + 1;
        }

        if (data.StartsWith("Code: "u8) && data[pos..].Trim((byte)'\n').IsEmpty)
        {
            // Possibly the server's error after the last complete row: decide at the end of the stream.
            if (!_eof && data.Length <= MaxTrailingErrorBytes) return Step.NeedMore;
            if (_eof) ThrowIfTrailingError(data);
        }
        if (FieldCount < 0) FieldCount = field;
        else if (field != FieldCount)
            throw new ClickHouseException(ClickHouseErrorKind.TruncatedResult,
                $"Row {_rows + 1} of the result has {field} fields where {FieldCount} were expected.", _sql, _queryId);
        _next += pos;
        _rows++;
        return Step.Row;
    }

    private void ThrowIfTrailingError(ReadOnlySpan<byte> rest)
    {
        if (rest.Length > MaxTrailingErrorBytes) return;
        var text = Encoding.UTF8.GetString(rest);
        if (ClickHouseHttp.TryParseError(text, out var code, out var message))
            throw new ClickHouseException(code, message, _sql, _queryId);
    }

    private void Compact()
    {
        if (_next > 0)
        {
            Buffer.BlockCopy(_buffer, _next, _buffer, 0, _end - _next);
            _end -= _next;
            _next = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxRowBytes)
                throw new ClickHouseException(ClickHouseErrorKind.Query, $"A result row is longer than {MaxRowBytes} bytes.", _sql, _queryId);
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    private ClickHouseException Broken(IOException e) =>
        new(ClickHouseErrorKind.TruncatedResult, $"The result stream broke after {_rows} rows: {e.Message}", _sql, _queryId, e);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        _stream.Dispose();
    }
}
