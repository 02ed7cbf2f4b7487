namespace DataGenerator;

/// <summary>
/// Deterministic numbers from a seed and integer coordinates (SplitMix64 finalisers chained). The simulator's
/// StableRandom hashes UTF-8 strings, which at 100 million rows costs more than the insert itself; integers
/// give the same property (same seed and coordinates, same number, on every machine and in any order) for a
/// few multiplications.
/// </summary>
internal static class Mix
{
    public static ulong Hash(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Hash(ulong a, ulong b) => Hash(Hash(a) ^ (b * 0xD6E8FEB86659FD93UL));

    public static ulong Hash(ulong a, ulong b, ulong c) => Hash(Hash(a, b) ^ (c * 0xA0761D6478BD642FUL));

    /// <summary>A number in [0, 1).</summary>
    public static double Unit(ulong h) => (h >> 11) * (1.0 / (1UL << 53));

    /// <summary>A number in [min, max).</summary>
    public static double Between(double min, double max, ulong h) => min + (max - min) * Unit(h);

    /// <summary>An integer in [min, max].</summary>
    public static int IntBetween(int min, int max, ulong h) => min + (int)(h % (ulong)(max - min + 1));
}
