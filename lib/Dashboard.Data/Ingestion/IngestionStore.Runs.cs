using Dapper;

namespace Dashboard.Data.Ingestion;

/// <summary>A run still recorded as Running, with when it last wrote its record (its last sign of life).</summary>
public sealed record RunningRun(PullRun Run, DateTime LastRecordedAt);

/// <summary>What the jobs host needs to run clustered: the run sweeper's reads and writes and run-request claims.</summary>
public sealed partial class IngestionStore
{
    /// <summary>Runs recorded as Running that started at or before <paramref name="startedBefore"/> (UTC), oldest first.</summary>
    public async Task<IReadOnlyList<RunningRun>> GetRunningRunsAsync(DateTime startedBefore, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<RunRow>(new CommandDefinition(
            $"SELECT {RunRow.Columns}, version AS Version FROM pull_runs FINAL WHERE status = 'Running' AND started_at <= @startedBefore ORDER BY started_at, id",
            new { startedBefore }, cancellationToken: ct));
        // The version is the UTC ticks of the write (SaveRunAsync), so it says when the run last wrote its record.
        return rows.Select(r => new RunningRun(r.ToRun(), new DateTime((long)r.Version, DateTimeKind.Utc))).ToList();
    }

    /// <summary>
    /// Records a Running run as Failed because the process running it is gone: finished at its last sign of
    /// life (so it never seems to overlap the run that took over), with <paramref name="reason"/> as its error.
    /// Returns the run as recorded.
    /// </summary>
    public async Task<PullRun> AbandonRunAsync(RunningRun running, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(running);
        var lastSeen = running.LastRecordedAt.AddTicks(-(running.LastRecordedAt.Ticks % TimeSpan.TicksPerSecond));
        var run = running.Run with
        {
            Status = RunStatus.Failed,
            FinishedAt = lastSeen < running.Run.StartedAt ? running.Run.StartedAt : lastSeen,
            Error = running.Run.Error.Length == 0 ? reason : reason + "; " + running.Run.Error,
        };
        await SaveRunAsync(run, ct);
        return run;
    }

    /// <summary>Run requests made at or after <paramref name="since"/> that no jobs process has claimed yet, oldest first.</summary>
    public async Task<IReadOnlyList<RunRequest>> GetUnclaimedRunRequestsAsync(DateTime since, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<RunRequest>(new CommandDefinition("""
            SELECT id AS Id, source_id AS SourceId, requested_by AS RequestedBy, requested_at AS RequestedAt
            FROM run_requests
            WHERE requested_at >= @since AND id NOT IN (SELECT request_id FROM run_request_claims WHERE requested_at >= @since)
            ORDER BY requested_at, id
            """, new { since }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>Records that <paramref name="claimedBy"/> (a Quartz instance id) handled a run request, and how.</summary>
    public async Task ClaimRunRequestAsync(RunRequest request, string claimedBy, string outcome, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO run_request_claims (request_id, source_id, requested_at, claimed_by, claimed_at, outcome)
            VALUES (@Id, @SourceId, @RequestedAt, @claimedBy, @now, @outcome)
            """, new { request.Id, request.SourceId, request.RequestedAt, claimedBy, now = DateTime.UtcNow, outcome }, cancellationToken: ct));
    }

    private sealed partial class RunRow
    {
        public ulong Version { get; init; }
    }
}
