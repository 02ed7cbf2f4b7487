using System.Collections;
using System.Globalization;
using System.Text;

namespace Dashboard.ClickHouse.Bulk;

/// <summary>
/// Writes one row at a time in ClickHouse's TabSeparated input format into a reusable buffer. Typed
/// methods format without boxing; <see cref="Value"/> takes any supported value.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The methods are named after the value types they write, as BinaryWriter's are.")]
public sealed class ClickHouseRowWriter
{
    private readonly int _columns;
    private byte[] _buffer = new byte[128 * 1024];
    private int _length;
    private int _column;

    /// <summary>Creates a writer for rows of <paramref name="columns"/> values (the bulk writer makes its own; this one is for TSV files).</summary>
    public ClickHouseRowWriter(int columns) => _columns = columns;

    /// <summary>Rows ended so far.</summary>
    public long Rows { get; private set; }

    /// <summary>The bytes written since the last <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>Empties the buffer (after its bytes were sent or saved).</summary>
    public void Reset() => _length = 0;

    /// <summary>Writes NULL (the column must be Nullable).</summary>
    public ClickHouseRowWriter Null() { Separator(); Ascii("\\N"u8); return this; }

    /// <summary>Writes a string, escaped.</summary>
    public ClickHouseRowWriter String(string? value)
    {
        if (value is null) return Null();
        Separator();
        Escaped(value);
        return this;
    }

    /// <summary>Writes a signed integer.</summary>
    public ClickHouseRowWriter Int64(long value) { Separator(); Format(value); return this; }

    /// <summary>Writes an unsigned integer.</summary>
    public ClickHouseRowWriter UInt64(ulong value) { Separator(); Format(value); return this; }

    /// <summary>Writes a double (nan and inf included).</summary>
    public ClickHouseRowWriter Double(double value)
    {
        Separator();
        if (double.IsNaN(value)) Ascii("nan"u8);
        else if (double.IsPositiveInfinity(value)) Ascii("inf"u8);
        else if (double.IsNegativeInfinity(value)) Ascii("-inf"u8);
        else Format(value, "R");
        return this;
    }

    /// <summary>Writes a decimal, or NULL.</summary>
    public ClickHouseRowWriter Decimal(decimal? value)
    {
        if (value is not { } v) return Null();
        Separator();
        Format(v);
        return this;
    }

    /// <summary>Writes a date.</summary>
    public ClickHouseRowWriter Date(DateOnly value) { Separator(); Format(value, "yyyy-MM-dd"); return this; }

    /// <summary>Writes a date-time as Unix seconds, which ClickHouse reads the same whatever the column's zone.</summary>
    public ClickHouseRowWriter DateTime(DateTime value) { Separator(); Format(ToUnix(value)); return this; }

    /// <summary>Writes any supported value: null, string, integers, floats, decimal, bool, DateOnly, DateTime, DateTimeOffset, Guid, arrays.</summary>
    public ClickHouseRowWriter Value(object? value)
    {
        switch (value)
        {
            case null or DBNull: return Null();
            case string s: return String(s);
            case long l: return Int64(l);
            case int i: return Int64(i);
            case short sh: return Int64(sh);
            case sbyte sb: return Int64(sb);
            case ulong ul: return UInt64(ul);
            case uint ui: return UInt64(ui);
            case ushort us: return UInt64(us);
            case byte b: return UInt64(b);
            case bool bo: return UInt64(bo ? 1UL : 0UL);
            case double d: return Double(d);
            case float f: return Double(f);
            case decimal m: return Decimal(m);
            case DateOnly d: return Date(d);
            case System.DateTime dt: return DateTime(dt);
            case DateTimeOffset dto: return DateTime(dto.UtcDateTime);
            case Guid g: return String(g.ToString("D"));
            case IEnumerable items:
                Separator();
                ArrayText(items);
                return this;
            default:
                throw new NotSupportedException($"A value of type {value.GetType().FullName} cannot be bulk-written.");
        }
    }

    /// <summary>Ends the row; throws when the row has the wrong number of values.</summary>
    public void EndRow()
    {
        if (_column != _columns)
            throw new ArgumentException($"Row {Rows + 1} has {_column} values where {_columns} columns were named.");
        Ensure(1);
        _buffer[_length++] = (byte)'\n';
        _column = 0;
        Rows++;
    }

    private void Separator()
    {
        if (_column++ > 0)
        {
            Ensure(1);
            _buffer[_length++] = (byte)'\t';
        }
    }

    private static long ToUnix(System.DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return (long)(utc - System.DateTime.UnixEpoch).TotalSeconds;
    }

    // Arrays use ClickHouse's quoted text form inside the TSV field: [1,2], ['a\'b','c'].
    private void ArrayText(IEnumerable items)
    {
        Ascii("["u8);
        var first = true;
        foreach (var item in items)
        {
            if (!first) Ascii(","u8);
            first = false;
            switch (item)
            {
                case null or DBNull: Ascii("NULL"u8); break;
                case string s: Quoted(s); break;
                case DateOnly d: Quoted(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                case System.DateTime dt: Quoted(ToUnix(dt).ToString(CultureInfo.InvariantCulture)); break;
                case Guid g: Quoted(g.ToString("D")); break;
                case bool b: Ascii(b ? "1"u8 : "0"u8); break;
                case double d: Ascii(Encoding.ASCII.GetBytes(d.ToString("R", CultureInfo.InvariantCulture))); break;
                case float f: Ascii(Encoding.ASCII.GetBytes(f.ToString("R", CultureInfo.InvariantCulture))); break;
                case IEnumerable inner and not string: ArrayText(inner); break;
                case IUtf8SpanFormattable n: Format(n); break;
                default: throw new NotSupportedException($"An array element of type {item.GetType().FullName} cannot be bulk-written.");
            }
        }
        Ascii("]"u8);
    }

    private void Quoted(string s)
    {
        Ascii("'"u8);
        Escaped(s);
        Ascii("'"u8);
    }

    private void Escaped(string s)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(s.Length) * 2);
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            byte esc = v switch
            {
                '\\' => (byte)'\\',
                '\t' => (byte)'t',
                '\n' => (byte)'n',
                '\r' => (byte)'r',
                '\0' => (byte)'0',
                '\'' => (byte)'\'',
                '\b' => (byte)'b',
                '\f' => (byte)'f',
                _ => 0,
            };
            if (esc != 0)
            {
                _buffer[_length++] = (byte)'\\';
                _buffer[_length++] = esc;
            }
            else if (v < 0x80)
            {
                _buffer[_length++] = (byte)v;
            }
            else
            {
                _length += rune.EncodeToUtf8(_buffer.AsSpan(_length));
            }
        }
    }

    private void Ascii(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Format<T>(T value, string? format = null) where T : IUtf8SpanFormattable
    {
        Ensure(64);
        if (!value.TryFormat(_buffer.AsSpan(_length), out var n, format, CultureInfo.InvariantCulture))
            throw new InvalidOperationException("A value did not fit its formatting buffer.");
        _length += n;
    }

    private void Ensure(int bytes)
    {
        if (_length + bytes <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
    }
}
