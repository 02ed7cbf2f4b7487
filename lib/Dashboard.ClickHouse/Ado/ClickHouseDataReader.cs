using System.Collections;
using System.Data.Common;
using System.Globalization;
using Dashboard.ClickHouse.Formats;
using Dashboard.ClickHouse.Http;
using Dashboard.ClickHouse.Types;

namespace Dashboard.ClickHouse.Ado;

/// <summary>
/// A forward-only reader over a streamed TabSeparatedWithNamesAndTypes result. Rows are parsed from one
/// buffer as they arrive; values are decoded only when asked for.
/// </summary>
public sealed class ClickHouseDataReader : DbDataReader
{
    private readonly HttpResponseMessage _response;
    private readonly TsvRowReader _rows;
    private readonly ClickHouseConnectionStringBuilder _settings;
    private readonly string[] _names;
    private readonly ClickHouseType[] _types;
    private bool _closed;
    private bool _hasRow;
    private bool? _peeked;

    private ClickHouseDataReader(HttpResponseMessage response, TsvRowReader rows, ClickHouseConnectionStringBuilder settings, string[] names, ClickHouseType[] types, string queryId)
    {
        _response = response;
        _rows = rows;
        _settings = settings;
        _names = names;
        _types = types;
        QueryId = queryId;
    }

    /// <summary>The query id the result belongs to.</summary>
    public string QueryId { get; }

    internal static ClickHouseDataReader Create(HttpResponseMessage response, ClickHouseConnectionStringBuilder settings, TimeZoneInfo zone, string sql, string queryId, CancellationToken ct)
    {
        var rows = new TsvRowReader(response.Content.ReadAsStream(ct), sql, queryId);
        try
        {
            var names = rows.Read() ? ReadHeader(rows) : [];
            var types = names.Length > 0 && rows.Read() ? ParseTypes(rows, zone) : [];
            return new ClickHouseDataReader(response, rows, settings, names, types, queryId);
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    internal static async Task<ClickHouseDataReader> CreateAsync(HttpResponseMessage response, ClickHouseConnectionStringBuilder settings, TimeZoneInfo zone, string sql, string queryId, CancellationToken ct)
    {
        var rows = new TsvRowReader(await response.Content.ReadAsStreamAsync(ct), sql, queryId);
        try
        {
            var names = await rows.ReadAsync(ct) ? ReadHeader(rows) : [];
            var types = names.Length > 0 && await rows.ReadAsync(ct) ? ParseTypes(rows, zone) : [];
            return new ClickHouseDataReader(response, rows, settings, names, types, queryId);
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    private static string[] ReadHeader(TsvRowReader rows)
    {
        var names = new string[rows.FieldCount];
        for (var i = 0; i < names.Length; i++) names[i] = rows.FieldString(i);
        return names;
    }

    private static ClickHouseType[] ParseTypes(TsvRowReader rows, TimeZoneInfo zone)
    {
        var types = new ClickHouseType[rows.FieldCount];
        for (var i = 0; i < types.Length; i++) types[i] = ClickHouseType.Parse(rows.FieldString(i), zone);
        return types;
    }

    /// <summary>The size of the row buffer: bounded by the longest row, not by the result.</summary>
    internal int BufferBytes => _rows.BufferBytes;

    /// <summary>The ClickHouse type of a column.</summary>
    public ClickHouseType GetClickHouseType(int ordinal) => _types[ordinal];

    /// <inheritdoc />
    public override int FieldCount => _names.Length;

    /// <inheritdoc />
    public override object this[int ordinal] => GetValue(ordinal);

    /// <inheritdoc />
    public override object this[string name] => GetValue(GetOrdinal(name));

    /// <inheritdoc />
    public override int RecordsAffected => -1;

    /// <inheritdoc />
    public override bool HasRows
    {
        get
        {
            if (_hasRow || _rows.RowsRead > 2) return true;
            // Peek with blocking I/O: the property is synchronous by contract.
            _peeked ??= _rows.Read();
            return _peeked.Value;
        }
    }

    /// <inheritdoc />
    public override bool IsClosed => _closed;

    /// <inheritdoc />
    public override int Depth => 0;

    /// <inheritdoc />
    public override bool Read()
    {
        if (_peeked is { } peeked)
        {
            _peeked = null;
            return _hasRow = peeked;
        }
        return _hasRow = FieldCount > 0 && _rows.Read();
    }

    private static readonly Task<bool> True = Task.FromResult(true);
    private static readonly Task<bool> False = Task.FromResult(false);

    /// <inheritdoc />
    public override Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        // Most rows are already in the buffer: answer them without an async state machine.
        if (_peeked is null && FieldCount > 0 && !cancellationToken.IsCancellationRequested && _rows.TryReadBuffered(out var hasRow))
            return (_hasRow = hasRow) ? True : False;
        return ReadSlowAsync(cancellationToken);
    }

    private async Task<bool> ReadSlowAsync(CancellationToken cancellationToken)
    {
        if (_peeked is { } peeked)
        {
            _peeked = null;
            return _hasRow = peeked;
        }
        if (FieldCount == 0) return _hasRow = false;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return _hasRow = await _rows.ReadAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Closing the stream alone leaves the query running until it next writes: stop it there.
            await ClickHouseHttp.KillAsync(_settings, QueryId);
            throw;
        }
    }

    /// <inheritdoc />
    public override bool NextResult() => false;

    /// <inheritdoc />
    public override string GetName(int ordinal) => _names[ordinal];

    /// <inheritdoc />
    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < _names.Length; i++)
            if (string.Equals(_names[i], name, StringComparison.Ordinal)) return i;
        for (var i = 0; i < _names.Length; i++)
            if (string.Equals(_names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new IndexOutOfRangeException($"The result has no column named {name}.");
    }

    /// <inheritdoc />
    public override string GetDataTypeName(int ordinal) => _types[ordinal].Name;

    /// <inheritdoc />
    public override Type GetFieldType(int ordinal) => _types[ordinal].ClrType;

    /// <inheritdoc />
    public override bool IsDBNull(int ordinal)
    {
        EnsureRow();
        return _rows.IsNull(ordinal);
    }

    /// <inheritdoc />
    public override object GetValue(int ordinal)
    {
        EnsureRow();
        if (_rows.IsNull(ordinal)) return DBNull.Value;
        try
        {
            return _types[ordinal].Decode(_rows.Field(ordinal));
        }
        catch (FormatException e)
        {
            throw new InvalidCastException($"Column {_names[ordinal]} ({_types[ordinal].Name}) holds a value that could not be read: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < n; i++) values[i] = GetValue(i);
        return n;
    }

    /// <inheritdoc />
    public override T GetFieldValue<T>(int ordinal)
    {
        EnsureRow();
        // Common scalar reads parse straight from the row buffer, without boxing; the JIT removes the
        // branches that do not match T.
        if (!_rows.IsNull(ordinal))
        {
            var kind = _types[ordinal].Kind;
            var field = _rows.Field(ordinal);
            var inv = CultureInfo.InvariantCulture;
            if (typeof(T) == typeof(long) && kind is ClickHouseTypeKind.Int64 or ClickHouseTypeKind.Int32 or ClickHouseTypeKind.Int16 or ClickHouseTypeKind.Int8)
                return As<long, T>(long.Parse(field, NumberStyles.AllowLeadingSign, inv));
            if (typeof(T) == typeof(ulong) && kind is ClickHouseTypeKind.UInt64 or ClickHouseTypeKind.UInt32 or ClickHouseTypeKind.UInt16 or ClickHouseTypeKind.UInt8)
                return As<ulong, T>(ulong.Parse(field, NumberStyles.None, inv));
            if (typeof(T) == typeof(int) && kind is ClickHouseTypeKind.Int32 or ClickHouseTypeKind.Int16 or ClickHouseTypeKind.Int8 or ClickHouseTypeKind.UInt16 or ClickHouseTypeKind.UInt8)
                return As<int, T>(int.Parse(field, NumberStyles.AllowLeadingSign, inv));
            if (typeof(T) == typeof(uint) && kind is ClickHouseTypeKind.UInt32 or ClickHouseTypeKind.UInt16 or ClickHouseTypeKind.UInt8)
                return As<uint, T>(uint.Parse(field, NumberStyles.None, inv));
            if (typeof(T) == typeof(decimal) && kind == ClickHouseTypeKind.Decimal)
                return As<decimal, T>(ClickHouseType.ParseDecimal(field));
            if (typeof(T) == typeof(double) && kind is ClickHouseTypeKind.Float64 or ClickHouseTypeKind.Float32)
                return As<double, T>(Convert.ToDouble(_types[ordinal].DecodeScalar(field), inv));
            if (typeof(T) == typeof(DateTime) && kind == ClickHouseTypeKind.DateTime)
                return As<DateTime, T>(_types[ordinal].ParseDateTime(field));
            if (typeof(T) == typeof(DateTime) && kind == ClickHouseTypeKind.Date)
                return As<DateTime, T>(ClickHouseType.ParseDate(field));
            if (typeof(T) == typeof(DateOnly) && kind == ClickHouseTypeKind.Date)
                return As<DateOnly, T>(DateOnly.FromDateTime(ClickHouseType.ParseDate(field)));
            if (typeof(T) == typeof(string) && kind == ClickHouseTypeKind.String)
                return (T)(object)_rows.FieldString(ordinal);
        }
        var value = GetValue(ordinal);
        if (value is T t) return t;
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (value is DBNull)
        {
            if (default(T) is null) return default!;
            throw new InvalidCastException($"Column {_names[ordinal]} is NULL and cannot be read as {typeof(T).Name}.");
        }
        if (target == typeof(DateOnly) && value is DateTime dt) return (T)(object)DateOnly.FromDateTime(dt);
        if (target == typeof(DateTimeOffset) && value is DateTime utc) return (T)(object)new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }

    private static TTo As<TFrom, TTo>(TFrom value) => System.Runtime.CompilerServices.Unsafe.As<TFrom, TTo>(ref value);

    /// <inheritdoc />
    public override bool GetBoolean(int ordinal) => Convert.ToBoolean(GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override byte GetByte(int ordinal) => GetFieldValue<byte>(ordinal);

    /// <inheritdoc />
    public override char GetChar(int ordinal) => GetString(ordinal) is [var c] ? c : throw new InvalidCastException($"Column {_names[ordinal]} is not a single character.");

    /// <inheritdoc />
    public override DateTime GetDateTime(int ordinal) => GetFieldValue<DateTime>(ordinal);

    /// <inheritdoc />
    public override decimal GetDecimal(int ordinal) => GetFieldValue<decimal>(ordinal);

    /// <inheritdoc />
    public override double GetDouble(int ordinal) => GetFieldValue<double>(ordinal);

    /// <inheritdoc />
    public override float GetFloat(int ordinal) => GetFieldValue<float>(ordinal);

    /// <inheritdoc />
    public override Guid GetGuid(int ordinal) => GetFieldValue<Guid>(ordinal);

    /// <inheritdoc />
    public override short GetInt16(int ordinal) => GetFieldValue<short>(ordinal);

    /// <inheritdoc />
    public override int GetInt32(int ordinal) => GetFieldValue<int>(ordinal);

    /// <inheritdoc />
    public override long GetInt64(int ordinal) => GetFieldValue<long>(ordinal);

    /// <inheritdoc />
    public override string GetString(int ordinal) => GetValue(ordinal) switch
    {
        string s => s,
        DBNull => throw new InvalidCastException($"Column {_names[ordinal]} is NULL."),
        var v => Convert.ToString(v, CultureInfo.InvariantCulture)!,
    };

    /// <inheritdoc />
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) =>
        throw new NotSupportedException("Read binary data as a string column.");

    /// <inheritdoc />
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var s = GetString(ordinal);
        if (buffer is null) return s.Length;
        var n = (int)Math.Max(0, Math.Min(length, s.Length - dataOffset));
        s.CopyTo((int)dataOffset, buffer, bufferOffset, n);
        return n;
    }

    /// <inheritdoc />
    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    /// <inheritdoc />
    public override void Close()
    {
        if (_closed) return;
        _closed = true;
        _rows.Dispose();
        _response.Dispose();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }

    private void EnsureRow()
    {
        if (!_hasRow) throw new InvalidOperationException("No current row: call Read first.");
    }
}
