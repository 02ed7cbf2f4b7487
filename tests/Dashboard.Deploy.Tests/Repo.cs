using System.Diagnostics;
using System.Text;

namespace Dashboard.Deploy.Tests;

/// <summary>The repository these tests belong to, and running its scripts as real processes.</summary>
public static class Repo
{
    /// <summary>The repository root: the folder above the test's build output that holds Dashboard.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration folder of this test run (release or debug), as the artifacts layout names it.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;

    /// <summary>A tool's dll from the same build as this test (artifacts/bin/{project}/{configuration}/).</summary>
    public static string Tool(string project) => Path.Combine(Root, "artifacts", "bin", project, Configuration, project + ".dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Dashboard.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs a program to its end; secrets travel in <paramref name="environment"/>, never in the arguments.</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time; stderr: {await stderr}");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>What a finished process left.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error.</param>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Both streams, for assertion messages.</summary>
    public override string ToString() => new StringBuilder().Append("exit ").Append(ExitCode).AppendLine()
        .AppendLine("--- stdout").AppendLine(Stdout).AppendLine("--- stderr").Append(Stderr).ToString();
}
