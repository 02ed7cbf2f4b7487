using System.Collections;
using System.Data;
using System.Globalization;
using System.Text;

namespace Dashboard.ClickHouse.Sql;

/// <summary>
/// The one place where a .NET value becomes ClickHouse SQL text. Every parameter value of every query
/// passes through <see cref="Format(object?, DbType?)"/>; nothing else in the product builds literals.
/// </summary>
/// <remarks>
/// ClickHouse 18.16 has no server-side query parameters over HTTP, so values are inlined as literals on
/// every server version (one path, not two). Strings are escaped with backslash escapes that both 18.16
/// and current releases read the same way; numbers are written in invariant culture; decimals, dates and
/// date-times go through typed conversion functions so the server never guesses their type.
/// </remarks>
public static class SqlLiteral
{
    /// <summary>Formats a value as a ClickHouse literal.</summary>
    /// <param name="value">The value; <c>null</c> and <see cref="DBNull"/> become <c>NULL</c>.</param>
    /// <param name="dbType">An explicit type hint, e.g. <see cref="DbType.Date"/> for a <see cref="DateTime"/> that is a date.</param>
    /// <exception cref="NotSupportedException">The value's type has no ClickHouse literal form.</exception>
    public static string Format(object? value, DbType? dbType = null)
    {
        var sb = new StringBuilder();
        Append(sb, value, dbType);
        return sb.ToString();
    }

    /// <summary>Appends a value as a ClickHouse literal; see <see cref="Format(object?, DbType?)"/>.</summary>
    public static void Append(StringBuilder sb, object? value, DbType? dbType = null) => Append(sb, value, dbType, LiteralForm.Expression);

    /// <summary>
    /// Appends a value in the given form. <see cref="LiteralForm.ValuesData"/> writes what ClickHouse's
    /// Values format reads as data (plain numbers, quoted dates, date-times as Unix seconds): on 18.16
    /// a function call there is evaluated and then refused for Decimal and Nullable columns.
    /// </summary>
    public static void Append(StringBuilder sb, object? value, DbType? dbType, LiteralForm form)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (form == LiteralForm.ValuesData && AppendData(sb, value)) return;
        if (form == LiteralForm.InList && value is IEnumerable list and not string and not byte[])
        {
            var start = sb.Length;
            sb.Append('(');
            foreach (var item in list)
            {
                if (sb.Length > start + 1) sb.Append(", ");
                Append(sb, item, dbType, LiteralForm.Expression);
            }
            sb.Append(sb.Length == start + 1 ? "NULL)" : ")");
            return;
        }
        if (form == LiteralForm.InList)
        {
            sb.Append('(');
            Append(sb, value, dbType, LiteralForm.Expression);
            sb.Append(')');
            return;
        }
        switch (value)
        {
            case null or DBNull:
                sb.Append("NULL");
                return;
            case string s:
                AppendString(sb, s);
                return;
            case char c:
                AppendString(sb, c.ToString());
                return;
            case bool b:
                sb.Append(b ? '1' : '0');
                return;
            case sbyte or byte or short or ushort or int or uint or long or ulong:
                sb.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                return;
            case float f:
                AppendFloat(sb, f, float.IsNaN(f), float.IsPositiveInfinity(f), float.IsNegativeInfinity(f), "toFloat32");
                return;
            case double d:
                AppendFloat(sb, d, double.IsNaN(d), double.IsPositiveInfinity(d), double.IsNegativeInfinity(d), "toFloat64");
                return;
            case decimal m:
                AppendDecimal(sb, m);
                return;
            case DateTime dt when dbType == DbType.Date:
                AppendDate(sb, DateOnly.FromDateTime(dt));
                return;
            case DateTime dt:
                AppendDateTime(sb, dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt);
                return;
            case DateTimeOffset dto:
                AppendDateTime(sb, dto.UtcDateTime);
                return;
            case DateOnly d:
                AppendDate(sb, d);
                return;
            case Guid g:
                sb.Append("toUUID('").Append(g.ToString("D")).Append("')");
                return;
            case Enum e:
                sb.Append(Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                return;
            case byte[]:
                throw new NotSupportedException("byte[] parameters are not supported: pass binary data as a base64 string.");
            case IEnumerable items:
                sb.Append('[');
                var first = true;
                foreach (var item in items)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    Append(sb, item, dbType, form);
                }
                sb.Append(']');
                return;
            default:
                throw new NotSupportedException(
                    $"A parameter of type {value.GetType().FullName} has no ClickHouse literal form.");
        }
    }

    // Values-format forms for the types whose expression form 18.16 refuses there (a Decimal expression
    // into a Decimal or Nullable column fails with "Type mismatch in VALUES section"); false for the rest,
    // whose expression form ClickHouse evaluates and converts correctly there.
    private static bool AppendData(StringBuilder sb, object? value)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (value)
        {
            case decimal m:
                sb.Append(m.ToString(inv));
                return true;
            case double d:
                sb.Append(double.IsNaN(d) ? "nan" : double.IsPositiveInfinity(d) ? "inf" : double.IsNegativeInfinity(d) ? "-inf" : d.ToString("R", inv));
                return true;
            case float f:
                sb.Append(float.IsNaN(f) ? "nan" : float.IsPositiveInfinity(f) ? "inf" : float.IsNegativeInfinity(f) ? "-inf" : f.ToString("R", inv));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Appends a quoted, escaped string literal.</summary>
    public static void AppendString(StringBuilder sb, string s)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(s);
        sb.Append('\'');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\0': sb.Append(@"\0"); break;
                case '\b': sb.Append(@"\b"); break;
                case '\f': sb.Append(@"\f"); break;
                default: sb.Append(ch); break;
            }
        }
        sb.Append('\'');
    }

    private static void AppendFloat(StringBuilder sb, IFormattable v, bool nan, bool posInf, bool negInf, string fn)
    {
        // nan and inf are identifiers in ClickHouse SQL; the conversion keeps Float32 values Float32.
        var text = nan ? "nan" : posInf ? "inf" : negInf ? "-inf" : v.ToString("R", CultureInfo.InvariantCulture);
        sb.Append(fn).Append('(').Append(text).Append(')');
    }

    private static void AppendDecimal(StringBuilder sb, decimal m)
    {
        // From the string form, so no digit passes through binary floating point. Decimal64 holds 18
        // digits; wider values need Decimal128.
        var text = m.ToString(CultureInfo.InvariantCulture);
        var digits = text.Count(char.IsAsciiDigit);
        sb.Append(digits <= 18 ? "toDecimal64('" : "toDecimal128('")
          .Append(text).Append("', ").Append(m.Scale.ToString(CultureInfo.InvariantCulture)).Append(')');
    }

    private static void AppendDate(StringBuilder sb, DateOnly d) =>
        sb.Append("toDate('").Append(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("')");

    private static void AppendDateTime(StringBuilder sb, DateTime utc) =>
        // DateTime values are UTC by convention (Unspecified is read as UTC); naming the zone keeps the
        // literal independent of the server's time zone.
        sb.Append("toDateTime('").Append(utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append("', 'UTC')");
}
