using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dashboard.Jobs.Tests;

/// <summary>
/// A built service (<c>dotnet &lt;dll&gt;</c>) run as a real child process, configured through environment
/// variables only, with its stdout and stderr captured line by line. Disposing kills it and its children,
/// so no process outlives the test that started it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    // Settings the test runner's own environment might carry into a child and silently change its configuration.
    private static readonly string[] InheritedPrefixes =
        ["ConnectionStrings__", "Sources__", "Pulls__", "Feeds__", "Simulator__", "RunRequests__", "CircuitBreaker__", "ASPNETCORE_", "Logging__",
         "Quartz__", "Runs__"];

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>What the process is, for messages.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (only after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Every line written so far to stdout and stderr, in arrival order.</summary>
    public string Output
    {
        get
        {
            lock (_gate) return string.Join('\n', _lines);
        }
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/></c> in the dll's folder with exactly the given configuration.</summary>
    public static ChildProcess Start(string name, string dll, IReadOnlyDictionary<string, string> environment)
    {
        // The dotnet host running these tests, so the services run on the same runtime (PATH may lack one).
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(dll);
        foreach (var key in info.Environment.Keys.Where(k => InheritedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // One line per log entry, so a failing test's message shows the child's output readably.
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"{name} did not start.");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until a line contains <paramref name="text"/>; fails with the output if the process exits or time runs out first.</summary>
    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            lock (_gate)
            {
                if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal))) return;
            }
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before writing '{text}':\n{Output}");
            if (cts.IsCancellationRequested) throw new TimeoutException($"{Name} did not write '{text}' within {timeout.TotalSeconds:F0} s:\n{Output}");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Waits for the process to end by itself (bounded); kills it and fails if it does not.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException e)
        {
            await KillAsync();
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:F0} s:\n{Output}", e);
        }
    }

    /// <summary>
    /// The process's peak resident set size so far (VmHWM of /proc/&lt;pid&gt;/status), in KiB. `dotnet app.dll`
    /// runs the app inside the host process itself, so this is the app's own peak.
    /// </summary>
    public long PeakRssKib()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var kib = line["VmHWM:".Length..].Trim();
            return long.Parse(kib[..kib.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"/proc/{_process.Id}/status has no VmHWM line.");
    }

    /// <summary>SIGKILLs the process and everything it started (Process.Kill on Linux), and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        // Bounded: a SIGKILLed process is reaped at once; the wait collects its exit and the last of its output.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Kills the process if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_gate) _lines.Add(line);
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
