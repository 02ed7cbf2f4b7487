using System.Globalization;
using System.Text;

namespace Dashboard.ClickHouse.Types;

/// <summary>The kinds of ClickHouse column types the provider maps to .NET.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Members are ClickHouse's own type names.")]
public enum ClickHouseTypeKind
{
    /// <summary>Int8.</summary>
    Int8,
    /// <summary>Int16.</summary>
    Int16,
    /// <summary>Int32.</summary>
    Int32,
    /// <summary>Int64.</summary>
    Int64,
    /// <summary>UInt8.</summary>
    UInt8,
    /// <summary>UInt16.</summary>
    UInt16,
    /// <summary>UInt32.</summary>
    UInt32,
    /// <summary>UInt64.</summary>
    UInt64,
    /// <summary>Float32.</summary>
    Float32,
    /// <summary>Float64.</summary>
    Float64,
    /// <summary>Decimal(P, S) and Decimal32/64/128(S).</summary>
    Decimal,
    /// <summary>String.</summary>
    String,
    /// <summary>FixedString(N); read as a string with its NUL padding removed.</summary>
    FixedString,
    /// <summary>Date; read as a <see cref="DateTime"/> at midnight.</summary>
    Date,
    /// <summary>DateTime, optionally with a time zone; read as a UTC <see cref="DateTime"/>.</summary>
    DateTime,
    /// <summary>UUID; read as a <see cref="Guid"/>.</summary>
    Uuid,
    /// <summary>Array(T); read as a .NET array of T.</summary>
    Array,
    /// <summary>Nothing (the element type of an empty literal array).</summary>
    Nothing,
}

/// <summary>A parsed ClickHouse column type and its .NET mapping.</summary>
public sealed class ClickHouseType
{
    private ClickHouseType(string name, ClickHouseTypeKind kind, bool nullable, ClickHouseType? element, int scale, TimeZoneInfo? zone)
    {
        Name = name;
        Kind = kind;
        IsNullable = nullable;
        Element = element;
        Scale = scale;
        TimeZone = zone;
        ClrType = MapClrType(kind, element);
    }

    /// <summary>The type name as the server wrote it.</summary>
    public string Name { get; }

    /// <summary>The kind, with Nullable unwrapped.</summary>
    public ClickHouseTypeKind Kind { get; }

    /// <summary>True for Nullable(T).</summary>
    public bool IsNullable { get; }

    /// <summary>The element type of an Array.</summary>
    public ClickHouseType? Element { get; }

    /// <summary>The scale of a Decimal.</summary>
    public int Scale { get; }

    /// <summary>The zone a DateTime column's values are printed in (its own, else the server's).</summary>
    public TimeZoneInfo? TimeZone { get; }

    /// <summary>The .NET type values of this column are read as (not nullable; nulls are <see cref="DBNull"/>).</summary>
    public Type ClrType { get; }

    /// <summary>Parses a type name such as <c>Nullable(Decimal(18, 4))</c> or <c>Array(DateTime('Asia/Shanghai'))</c>.</summary>
    /// <param name="name">The type name, unescaped.</param>
    /// <param name="serverZone">The server's zone: DateTime types that name none are printed in it (default UTC).</param>
    /// <exception cref="NotSupportedException">The type has no mapping in this provider.</exception>
    public static ClickHouseType Parse(string name, TimeZoneInfo? serverZone = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var zone = Normalize(serverZone ?? TimeZoneInfo.Utc);
        var n = name.Trim();
        if (TryUnwrap(n, "Nullable", out var inner))
        {
            var t = Parse(inner, zone);
            return new ClickHouseType(n, t.Kind, true, t.Element, t.Scale, t.TimeZone);
        }
        if (TryUnwrap(n, "Array", out inner))
            return new ClickHouseType(n, ClickHouseTypeKind.Array, false, Parse(inner, zone), 0, null);
        if (TryUnwrap(n, "FixedString", out _))
            return new ClickHouseType(n, ClickHouseTypeKind.FixedString, false, null, 0, null);
        if (TryUnwrap(n, "Decimal", out inner))
        {
            var parts = inner.Split(',');
            return new ClickHouseType(n, ClickHouseTypeKind.Decimal, false, null, int.Parse(parts[^1].Trim(), CultureInfo.InvariantCulture), null);
        }
        foreach (var prefix in new[] { "Decimal32", "Decimal64", "Decimal128" })
        {
            if (TryUnwrap(n, prefix, out inner))
                return new ClickHouseType(n, ClickHouseTypeKind.Decimal, false, null, int.Parse(inner.Trim(), CultureInfo.InvariantCulture), null);
        }
        if (n == "DateTime")
            return new ClickHouseType(n, ClickHouseTypeKind.DateTime, false, null, 0, zone);
        if (TryUnwrap(n, "DateTime", out inner))
        {
            var zoneName = inner.Trim().Trim('\'');
            return new ClickHouseType(n, ClickHouseTypeKind.DateTime, false, null, 0, Normalize(TimeZoneInfo.FindSystemTimeZoneById(zoneName)));
        }
        var kind = n switch
        {
            "Int8" => ClickHouseTypeKind.Int8,
            "Int16" => ClickHouseTypeKind.Int16,
            "Int32" => ClickHouseTypeKind.Int32,
            "Int64" => ClickHouseTypeKind.Int64,
            "UInt8" => ClickHouseTypeKind.UInt8,
            "UInt16" => ClickHouseTypeKind.UInt16,
            "UInt32" => ClickHouseTypeKind.UInt32,
            "UInt64" => ClickHouseTypeKind.UInt64,
            "Float32" => ClickHouseTypeKind.Float32,
            "Float64" => ClickHouseTypeKind.Float64,
            "String" => ClickHouseTypeKind.String,
            "Date" => ClickHouseTypeKind.Date,
            "UUID" => ClickHouseTypeKind.Uuid,
            "Nothing" => ClickHouseTypeKind.Nothing,
            _ => throw new NotSupportedException($"ClickHouse type {n} is not supported by this provider."),
        };
        return new ClickHouseType(n, kind, false, null, 0, null);
    }

    // Servers report UTC as "Etc/UTC", "UTC" or "UCT": one object for all of them keeps reading on the
    // fast path that needs no zone conversion.
    private static TimeZoneInfo Normalize(TimeZoneInfo zone) =>
        zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime && zone.GetAdjustmentRules().Length == 0 ? TimeZoneInfo.Utc : zone;

    private static bool TryUnwrap(string n, string prefix, out string inner)
    {
        if (n.Length > prefix.Length + 1 && n.StartsWith(prefix, StringComparison.Ordinal) && n[prefix.Length] == '(' && n[^1] == ')')
        {
            inner = n[(prefix.Length + 1)..^1];
            return true;
        }
        inner = "";
        return false;
    }

    private static Type MapClrType(ClickHouseTypeKind kind, ClickHouseType? element) => kind switch
    {
        ClickHouseTypeKind.Int8 => typeof(sbyte),
        ClickHouseTypeKind.Int16 => typeof(short),
        ClickHouseTypeKind.Int32 => typeof(int),
        ClickHouseTypeKind.Int64 => typeof(long),
        ClickHouseTypeKind.UInt8 => typeof(byte),
        ClickHouseTypeKind.UInt16 => typeof(ushort),
        ClickHouseTypeKind.UInt32 => typeof(uint),
        ClickHouseTypeKind.UInt64 => typeof(ulong),
        ClickHouseTypeKind.Float32 => typeof(float),
        ClickHouseTypeKind.Float64 => typeof(double),
        ClickHouseTypeKind.Decimal => typeof(decimal),
        ClickHouseTypeKind.String or ClickHouseTypeKind.FixedString => typeof(string),
        ClickHouseTypeKind.Date or ClickHouseTypeKind.DateTime => typeof(DateTime),
        ClickHouseTypeKind.Uuid => typeof(Guid),
        ClickHouseTypeKind.Nothing => typeof(object),
        ClickHouseTypeKind.Array => ElementClrType(element!).MakeArrayType(),
        _ => typeof(object),
    };

    // Array(Nullable(Int32)) reads as int?[]: an array element cannot be DBNull.
    private static Type ElementClrType(ClickHouseType element) =>
        element.IsNullable && element.ClrType.IsValueType ? typeof(Nullable<>).MakeGenericType(element.ClrType) : element.ClrType;

    /// <summary>
    /// Decodes one TSV field (still escaped, not <c>\N</c>) into a value of <see cref="ClrType"/>.
    /// </summary>
    /// <exception cref="FormatException">The text is not a value of this type.</exception>
    public object Decode(ReadOnlySpan<byte> field)
    {
        switch (Kind)
        {
            case ClickHouseTypeKind.String:
                return TsvEscaping.Unescape(field);
            case ClickHouseTypeKind.FixedString:
                return TsvEscaping.Unescape(field).TrimEnd('\0');
            case ClickHouseTypeKind.Array:
                return ArrayText.Parse(field, this);
            default:
                return DecodeScalar(field);
        }
    }

    /// <summary>Decodes an unescaped, unquoted scalar text (numbers, dates, UUIDs).</summary>
    internal object DecodeScalar(ReadOnlySpan<byte> text)
    {
        var inv = CultureInfo.InvariantCulture;
        return Kind switch
        {
            ClickHouseTypeKind.Int8 => sbyte.Parse(text, NumberStyles.AllowLeadingSign, inv),
            ClickHouseTypeKind.Int16 => short.Parse(text, NumberStyles.AllowLeadingSign, inv),
            ClickHouseTypeKind.Int32 => int.Parse(text, NumberStyles.AllowLeadingSign, inv),
            ClickHouseTypeKind.Int64 => long.Parse(text, NumberStyles.AllowLeadingSign, inv),
            ClickHouseTypeKind.UInt8 => byte.Parse(text, NumberStyles.None, inv),
            ClickHouseTypeKind.UInt16 => ushort.Parse(text, NumberStyles.None, inv),
            ClickHouseTypeKind.UInt32 => uint.Parse(text, NumberStyles.None, inv),
            ClickHouseTypeKind.UInt64 => ulong.Parse(text, NumberStyles.None, inv),
            ClickHouseTypeKind.Float32 => (float)ParseFloat(text),
            ClickHouseTypeKind.Float64 => ParseFloat(text),
            ClickHouseTypeKind.Decimal => ParseDecimal(text),
            ClickHouseTypeKind.Date => ParseDate(text),
            ClickHouseTypeKind.DateTime => ParseDateTime(text),
            ClickHouseTypeKind.Uuid => Guid.Parse(Encoding.ASCII.GetString(text), inv),
            _ => throw new FormatException($"Cannot decode {Name} from text."),
        };
    }

    /// <summary>
    /// Parses ClickHouse's decimal text ("-12.3456"). Up to 19 digits are accumulated straight into the
    /// decimal's integer and scale; longer values (Decimal128) go through decimal.Parse.
    /// </summary>
    internal static decimal ParseDecimal(ReadOnlySpan<byte> text)
    {
        var negative = text.Length > 0 && text[0] == (byte)'-';
        var digits = negative ? text[1..] : text;
        if (digits.IsEmpty || digits.Length > 20)
            return decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        ulong mantissa = 0;
        var scale = -1;
        var count = 0;
        foreach (var b in digits)
        {
            if (b == (byte)'.' && scale < 0)
            {
                scale = 0;
                continue;
            }
            var d = (uint)(b - (byte)'0');
            if (d > 9 || ++count > 19)
                return decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            mantissa = mantissa * 10 + d;
            if (scale >= 0) scale++;
        }
        return new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), 0, negative, (byte)Math.Max(scale, 0));
    }

    private static double ParseFloat(ReadOnlySpan<byte> text)
    {
        if (text.SequenceEqual("nan"u8) || text.SequenceEqual("-nan"u8)) return double.NaN;
        if (text.SequenceEqual("inf"u8) || text.SequenceEqual("+inf"u8)) return double.PositiveInfinity;
        if (text.SequenceEqual("-inf"u8)) return double.NegativeInfinity;
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static int Digits(ReadOnlySpan<byte> s, int start, int count)
    {
        var v = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = s[i] - (byte)'0';
            if ((uint)d > 9) throw new FormatException($"'{Encoding.UTF8.GetString(s)}' is not a date.");
            v = v * 10 + d;
        }
        return v;
    }

    internal static DateTime ParseDate(ReadOnlySpan<byte> s)
    {
        if (s.Length != 10) throw new FormatException($"'{Encoding.UTF8.GetString(s)}' is not a date.");
        var y = Digits(s, 0, 4);
        // ClickHouse prints day zero (1970-01-01) as 0000-00-00.
        return y == 0 ? DateTime.UnixEpoch : new DateTime(y, Digits(s, 5, 2), Digits(s, 8, 2), 0, 0, 0, DateTimeKind.Unspecified);
    }

    internal DateTime ParseDateTime(ReadOnlySpan<byte> s)
    {
        if (s.Length != 19) throw new FormatException($"'{Encoding.UTF8.GetString(s)}' is not a date-time.");
        var y = Digits(s, 0, 4);
        if (y == 0) return DateTime.UnixEpoch;
        var local = new DateTime(y, Digits(s, 5, 2), Digits(s, 8, 2), Digits(s, 11, 2), Digits(s, 14, 2), Digits(s, 17, 2), DateTimeKind.Unspecified);
        var zone = TimeZone ?? TimeZoneInfo.Utc;
        return zone == TimeZoneInfo.Utc ? DateTime.SpecifyKind(local, DateTimeKind.Utc) : TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
