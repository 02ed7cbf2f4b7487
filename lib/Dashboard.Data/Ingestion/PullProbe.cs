namespace Dashboard.Data.Ingestion;

/// <summary>The points of a pull a <see cref="IPullProbe"/> is told about, in the order a page passes them.</summary>
public enum PullPoint
{
    /// <summary>A feed page was received; nothing of it is written yet.</summary>
    Fetched,
    /// <summary>A page's valid rows are in observations_raw but not yet in observations (the middle of a write).</summary>
    RawWritten,
    /// <summary>Every row of the pull is stored; the run is not completed and the watermark has not moved.</summary>
    Stored,
}

/// <summary>
/// A diagnostic hook into a pull: crash tests stop the jobs process at an exact state of a pull
/// (jobs host configuration <c>Pulls:PauseAt</c>) to show that a re-run after the crash converges.
/// Not for production logic: it must not change what a pull does. When no probe is given nothing is called.
/// </summary>
public interface IPullProbe
{
    /// <summary>Called when the run of a source reaches <paramref name="point"/>; the pull waits for the returned task.</summary>
    ValueTask ReachedAsync(PullPoint point, PullRun run, CancellationToken ct);
}

/// <summary>The configuration names of the <see cref="PullPoint"/>s.</summary>
public static class PullPoints
{
    /// <summary>The name of a point as configured and logged: <c>fetched</c>, <c>raw-written</c>, <c>stored</c>.</summary>
    public static string Name(PullPoint point) => point switch
    {
        PullPoint.Fetched => "fetched",
        PullPoint.RawWritten => "raw-written",
        PullPoint.Stored => "stored",
        _ => throw new ArgumentOutOfRangeException(nameof(point), point, null),
    };

    /// <summary>Reads a point's name (case-insensitive); false for anything else.</summary>
    public static bool TryParse(string? name, out PullPoint point)
    {
        foreach (var p in Enum.GetValues<PullPoint>())
        {
            if (string.Equals(Name(p), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                point = p;
                return true;
            }
        }
        point = default;
        return false;
    }
}
