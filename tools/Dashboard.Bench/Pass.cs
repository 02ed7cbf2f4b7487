using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Bench;

/// <summary>
/// One timed pass: wall time, and the CPU this process spent meanwhile (all threads). Next to the wall
/// time the CPU shows whether the provider or the server is the bottleneck on a small machine, where
/// both compete for the same cores.
/// </summary>
internal readonly record struct Pass<T>(T Outcome, TimeSpan Elapsed, TimeSpan Cpu)
{
    public override string ToString() => As("");

    /// <summary>The pass as <c>seconds=… cpu=…</c>, each key prefixed.</summary>
    public string As(string prefix) => string.Create(CultureInfo.InvariantCulture,
        $"{prefix}seconds={Elapsed.TotalSeconds:F3} {prefix}cpu={Cpu.TotalSeconds:F3}");
}

internal static class Pass
{
    public static async Task<Pass<T>> TimeAsync<T>(Func<Task<T>> run)
    {
        var cpu = ProcessCpu();
        var clock = Stopwatch.StartNew();
        var result = await run();
        clock.Stop();
        return new Pass<T>(result, clock.Elapsed, ProcessCpu() - cpu);
    }

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
