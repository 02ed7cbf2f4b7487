using System.Globalization;

namespace Dashboard.Bench;

/// <summary>The summary statistics every benchmark of this tool reports, computed one way.</summary>
internal static class Stats
{
    /// <summary>The middle value, or the mean of the two middle values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="p"/>% of the values at or below it (with 9 runs, p95 is the slowest).</summary>
    public static double Percentile(IEnumerable<double> values, int p)
    {
        var s = values.Order().ToList();
        return s[Math.Clamp((int)Math.Ceiling(p / 100.0 * s.Count) - 1, 0, s.Count - 1)];
    }

    /// <summary>Nearest-rank 95th percentile.</summary>
    public static double P95(IEnumerable<double> values) => Percentile(values, 95);

    /// <summary>Every run, slash-separated, in <paramref name="format"/> (e.g. "F0" for ms, "F3" for seconds).</summary>
    public static string Runs(IEnumerable<double> values, string format) =>
        string.Join('/', values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
}
