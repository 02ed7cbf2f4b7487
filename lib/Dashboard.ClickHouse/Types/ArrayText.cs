using System.Text;

namespace Dashboard.ClickHouse.Types;

/// <summary>Parses ClickHouse's text form of arrays: <c>[1,2]</c>, <c>['a\'b',NULL]</c>, <c>[[1],[]]</c>.</summary>
internal static class ArrayText
{
    public static Array Parse(ReadOnlySpan<byte> text, ClickHouseType arrayType)
    {
        var pos = 0;
        var result = ParseArray(text, ref pos, arrayType);
        if (pos != text.Length) throw Bad(text);
        return result;
    }

    private static Array ParseArray(ReadOnlySpan<byte> s, ref int pos, ClickHouseType arrayType)
    {
        var element = arrayType.Element!;
        if (pos >= s.Length || s[pos] != (byte)'[') throw Bad(s);
        pos++;
        var items = new List<object?>();
        if (pos < s.Length && s[pos] == (byte)']')
        {
            pos++;
            return ToArray(items, arrayType);
        }
        while (true)
        {
            items.Add(ParseElement(s, ref pos, element));
            if (pos >= s.Length) throw Bad(s);
            if (s[pos] == (byte)',') { pos++; continue; }
            if (s[pos] == (byte)']') { pos++; break; }
            throw Bad(s);
        }
        return ToArray(items, arrayType);
    }

    private static object? ParseElement(ReadOnlySpan<byte> s, ref int pos, ClickHouseType element)
    {
        if (element.Kind == ClickHouseTypeKind.Array) return ParseArray(s, ref pos, element);
        if (s[pos..].StartsWith("NULL"u8))
        {
            pos += 4;
            return null;
        }
        if (s[pos] == (byte)'\'')
        {
            var start = ++pos;
            while (pos < s.Length && s[pos] != (byte)'\'')
                pos += s[pos] == (byte)'\\' ? 2 : 1;
            if (pos >= s.Length) throw Bad(s);
            var raw = s[start..pos];
            pos++;
            return element.Kind is ClickHouseTypeKind.String or ClickHouseTypeKind.FixedString
                ? element.Decode(raw)
                : element.DecodeScalar(Encoding.UTF8.GetBytes(TsvEscaping.Unescape(raw)));
        }
        var end = pos;
        while (end < s.Length && s[end] != (byte)',' && s[end] != (byte)']') end++;
        var value = element.DecodeScalar(s[pos..end]);
        pos = end;
        return value;
    }

    private static Array ToArray(List<object?> items, ClickHouseType arrayType)
    {
        var elementClr = arrayType.ClrType.GetElementType()!;
        var array = Array.CreateInstance(elementClr, items.Count);
        for (var i = 0; i < items.Count; i++) array.SetValue(items[i], i);
        return array;
    }

    private static FormatException Bad(ReadOnlySpan<byte> s) => new($"'{Encoding.UTF8.GetString(s)}' is not a valid array.");
}
