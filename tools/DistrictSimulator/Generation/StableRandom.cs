using System.Text;

namespace DistrictSimulator.Generation;

/// <summary>
/// Deterministic numbers from a seed and a list of names: the same seed and names give the same number on
/// every machine and run (FNV-1a over the UTF-8 of the parts, finished with SplitMix64). Never uses
/// <see cref="string.GetHashCode()"/>, which is randomised per process.
/// </summary>
public static class StableRandom
{
    /// <summary>A 64-bit hash of the seed and the parts.</summary>
    public static ulong Hash(long seed, params ReadOnlySpan<string> parts)
    {
        var h = 14695981039346656037UL ^ (ulong)seed;
        foreach (var part in parts)
        {
            foreach (var b in Encoding.UTF8.GetBytes(part))
            {
                h ^= b;
                h *= 1099511628211UL;
            }
            h ^= 0x1F; // part separator, so ("ab", "c") and ("a", "bc") differ
            h *= 1099511628211UL;
        }
        return Mix(h);
    }

    /// <summary>A number in [0, 1).</summary>
    public static double Unit(long seed, params ReadOnlySpan<string> parts) => (Hash(seed, parts) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A number in [min, max).</summary>
    public static double Between(double min, double max, long seed, params ReadOnlySpan<string> parts) =>
        min + (max - min) * Unit(seed, parts);

    /// <summary>An integer in [min, max].</summary>
    public static int IntBetween(int min, int max, long seed, params ReadOnlySpan<string> parts) =>
        min + (int)(Hash(seed, parts) % (ulong)(max - min + 1));

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
