using Dashboard.Data.Ingestion;

namespace Dashboard.Jobs.Pulls;

/// <summary>
/// Crash-test hook (configuration <c>Pulls:PauseAt</c> = fetched | raw-written | stored): when a pull
/// reaches that point, writes <c>pause-at {point} {sourceId}</c> to stdout and blocks the pull until the
/// host stops, so a test can SIGKILL the process in exactly that state. Registered only when configured.
/// </summary>
public sealed class PauseProbe(PullPoint pauseAt) : IPullProbe
{
    /// <summary>The configuration key.</summary>
    public const string ConfigKey = "Pulls:PauseAt";

    /// <inheritdoc />
    public async ValueTask ReachedAsync(PullPoint point, PullRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (point != pauseAt) return;
        // Straight to stdout, not through the logger: the console logger writes on a background queue and
        // the test must see the line only once the state it names is reached.
        await Console.Out.WriteLineAsync($"pause-at {PullPoints.Name(point)} {run.SourceId}".AsMemory(), ct);
        await Console.Out.FlushAsync(ct);
        await Task.Delay(Timeout.Infinite, ct);
    }
}
