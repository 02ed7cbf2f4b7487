using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Dashboard.Bench;

/// <summary>
/// An order-independent checksum over rows: the generator and the reader compute it separately, so a
/// matching value proves the rows came back exactly as generated, in whatever order the server returns
/// them. String hashing is stable across processes (string.GetHashCode is not) and cheap enough not to
/// weigh on the read timing.
/// </summary>
internal struct Checksum
{
    private const ulong NullMark = 0x6E75_6C6C_6E75_6C6CUL;
    private ulong _sum;

    public long Rows { get; private set; }

    public void Add(in Observation o)
    {
        var h = Of(o.RegionCode);
        h = Mix(h, Of(o.IndicatorCode));
        h = Mix(h, (ulong)o.Period.DayNumber);
        h = Mix(h, Of(o.Numerator));
        h = Mix(h, Of(o.Denominator));
        h = Mix(h, Of(o.Value));
        h = Mix(h, o.Revision);
        h = Mix(h, Of(o.SourceId));
        h = Mix(h, Of(o.RunId));
        h = Mix(h, (ulong)o.UpdatedAt.Ticks);
        h = Mix(h, (ulong)o.LoadedAt.Ticks);
        unchecked { _sum += h; }
        Rows++;
    }

    public readonly override string ToString() => _sum.ToString("x16", CultureInfo.InvariantCulture);

    private static ulong Mix(ulong h, ulong v)
    {
        unchecked
        {
            h ^= v + 0x9E37_79B9_7F4A_7C15UL + (h << 6) + (h >> 2);
            h *= 0xBF58_476D_1CE4_E5B9UL;
            return h ^ (h >> 31);
        }
    }

    // The server prints Decimal(18, 4) with four decimals; counting in ten-thousandths makes 12.5 and
    // 12.5000 hash alike.
    private static ulong Of(decimal? d) => d is { } v ? (ulong)decimal.ToInt64(v * 10_000m) : NullMark;

    private static ulong Of(string s)
    {
        var bytes = MemoryMarshal.AsBytes(s.AsSpan());
        var h = (ulong)s.Length;
        while (bytes.Length >= 8)
        {
            h = Mix(h, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }
        ulong tail = 0;
        for (var i = 0; i < bytes.Length; i++) tail |= (ulong)bytes[i] << (8 * i);
        return Mix(h, tail);
    }
}
