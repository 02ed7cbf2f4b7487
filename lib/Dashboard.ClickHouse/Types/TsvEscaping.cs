using System.Buffers;
using System.Text;

namespace Dashboard.ClickHouse.Types;

/// <summary>Backslash escaping as ClickHouse's TabSeparated and quoted formats use it.</summary>
internal static class TsvEscaping
{
    /// <summary>Decodes an escaped UTF-8 field to a string.</summary>
    public static string Unescape(ReadOnlySpan<byte> field)
    {
        if (field.IndexOf((byte)'\\') < 0) return Encoding.UTF8.GetString(field);
        var rented = ArrayPool<byte>.Shared.Rent(field.Length);
        try
        {
            var n = UnescapeInto(field, rented);
            return Encoding.UTF8.GetString(rented, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static int UnescapeInto(ReadOnlySpan<byte> field, Span<byte> dest)
    {
        var n = 0;
        for (var i = 0; i < field.Length; i++)
        {
            var b = field[i];
            if (b != (byte)'\\' || i + 1 == field.Length)
            {
                dest[n++] = b;
                continue;
            }
            var e = field[++i];
            dest[n++] = e switch
            {
                (byte)'n' => (byte)'\n',
                (byte)'t' => (byte)'\t',
                (byte)'r' => (byte)'\r',
                (byte)'0' => 0,
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'a' => 7,
                (byte)'v' => 11,
                (byte)'e' => 27,
                _ => e, // \\ \' \" and any other escaped character stand for themselves
            };
        }
        return n;
    }
}
