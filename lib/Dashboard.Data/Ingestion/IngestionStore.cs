using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Data.Storage;

namespace Dashboard.Data.Ingestion;

/// <summary>Writes and reads what the pulls produce: observations, rejections, runs and watermarks.</summary>
public sealed partial class IngestionStore(ClickHouseDatabase database)
{
    private readonly Dashboard.Data.Scorecard.ObservationRollup _rollup = new(database);

    private static readonly string[] ObservationColumns =
        ["region_code", "indicator_code", "period", "numerator", "denominator", "value", "revision", "source_id", "run_id", "updated_at", "loaded_at"];

    private static readonly string[] RejectionColumns =
        ["id", "run_id", "source_id", "region_code", "row_number", "row", "field", "reason", "rejected_at"];

    /// <summary>Stores valid rows in the raw history, then in the current table (highest revision wins there).</summary>
    public Task WriteObservationsAsync(IReadOnlyList<Observation> rows, string sourceId, string runId, DateTime loadedAt, CancellationToken ct) =>
        WriteObservationsAsync(rows, sourceId, runId, loadedAt, null, ct);

    /// <summary>
    /// Stores valid rows like <see cref="WriteObservationsAsync(IReadOnlyList{Observation}, string, string, DateTime, CancellationToken)"/>,
    /// calling <paramref name="afterRaw"/> between the two writes (a diagnostic probe: the state a crash mid-write leaves).
    /// </summary>
    public async Task WriteObservationsAsync(IReadOnlyList<Observation> rows, string sourceId, string runId, DateTime loadedAt,
        Func<CancellationToken, ValueTask>? afterRaw, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await using var c = await database.OpenAsync(ct);
        void Map(Observation o, Dashboard.ClickHouse.Bulk.ClickHouseRowWriter w) => w
            .String(o.RegionCode).String(o.IndicatorCode).Date(o.Period).Decimal(o.Numerator).Decimal(o.Denominator).Decimal(o.Value)
            .UInt64(o.Revision).String(sourceId).String(runId).DateTime(o.UpdatedAt).DateTime(loadedAt);
        // Raw history first: if the process dies between the two writes, the re-pull restores the current
        // table, and history is never missing a row the current table has.
        await c.CreateBulkWriter("observations_raw", ObservationColumns).WriteAsync(rows, Map, ct);
        if (afterRaw is not null) await afterRaw(ct);
        await c.CreateBulkWriter("observations", ObservationColumns).WriteAsync(rows, Map, ct);
        // The scorecard reads per-region sums: recompute the groups these rows belong to.
        await _rollup.RefreshAsync(rows.Select(o => (o.RegionCode, o.IndicatorCode, o.Period)), ct);
    }

    /// <summary>Stores quarantined rows with their raw text and reason.</summary>
    public async Task WriteRejectionsAsync(IReadOnlyList<Rejection> rows, string sourceId, string runId, DateTime at, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await using var c = await database.OpenAsync(ct);
        await c.CreateBulkWriter("rejections", RejectionColumns).WriteAsync(rows, (r, w) => w
            .String(Guid.NewGuid().ToString("N")).String(runId).String(sourceId).String(r.RegionCode).UInt64((ulong)Math.Max(0, r.RowNumber))
            .String(r.Raw).String(r.Field).String(r.Reason).DateTime(at), ct);
    }

    /// <summary>Records the run's current state (a new version of its row).</summary>
    public async Task SaveRunAsync(PullRun run, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO pull_runs (id, source_id, trigger, started_at, finished_at, status, rows_received, rows_loaded, rows_rejected,
                                   pages, retries, watermark_from, watermark_to, file_name, error, owner, version)
            VALUES (@Id, @SourceId, @Trigger, @StartedAt, @FinishedAt, @Status, @RowsReceived, @RowsLoaded, @RowsRejected,
                    @Pages, @Retries, @WatermarkFrom, @WatermarkTo, @FileName, @Error, @Owner, @version)
            """, new
        {
            run.Id, run.SourceId, Trigger = run.Trigger.ToString(), run.StartedAt, run.FinishedAt, Status = run.Status.ToString(),
            run.RowsReceived, run.RowsLoaded, run.RowsRejected, run.Pages, run.Retries, run.WatermarkFrom, run.WatermarkTo,
            run.FileName, run.Error, run.Owner, version = (ulong)DateTime.UtcNow.Ticks,
        }, cancellationToken: ct));
    }

    /// <summary>A run's latest recorded state.</summary>
    public async Task<PullRun?> GetRunAsync(string id, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<RunRow>(new CommandDefinition(
            $"SELECT {RunRow.Columns} FROM pull_runs FINAL WHERE id = @id", new { id }, cancellationToken: ct));
        return row?.ToRun();
    }

    /// <summary>The latest runs of a source, newest first.</summary>
    public async Task<IReadOnlyList<PullRun>> GetRunsAsync(string sourceId, int limit, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<RunRow>(new CommandDefinition(
            $"SELECT {RunRow.Columns} FROM pull_runs FINAL WHERE source_id = @sourceId ORDER BY started_at DESC, id LIMIT @limit",
            new { sourceId, limit }, cancellationToken: ct));
        return rows.Select(r => r.ToRun()).ToList();
    }

    /// <summary>The source's watermark, null before its first successful pull.</summary>
    public async Task<DateTime?> GetWatermarkAsync(string sourceId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<DateTime>(new CommandDefinition(
            // Watermarks only move forward (a run sets one only past its starting point), so the latest is the largest.
            "SELECT max(watermark) FROM source_watermarks WHERE source_id = @sourceId GROUP BY source_id",
            new { sourceId }, cancellationToken: ct));
        return rows.Cast<DateTime?>().FirstOrDefault();
    }

    /// <summary>Moves the source's watermark; call only after the rows it covers are stored.</summary>
    public async Task SetWatermarkAsync(string sourceId, DateTime watermark, string runId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO source_watermarks (source_id, watermark, run_id, updated_at) VALUES (@sourceId, @watermark, @runId, @now)",
            new { sourceId, watermark, runId, now = DateTime.UtcNow }, cancellationToken: ct));
    }

    /// <summary>Asks the jobs host to run a source now; returns the request id.</summary>
    public async Task<string> RequestRunAsync(string sourceId, string requestedBy, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N");
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO run_requests (id, source_id, requested_by, requested_at) VALUES (@id, @sourceId, @requestedBy, @now)",
            new { id, sourceId, requestedBy, now = DateTime.UtcNow }, cancellationToken: ct));
        return id;
    }

    /// <summary>Run requests made at or after <paramref name="since"/>, oldest first.</summary>
    public async Task<IReadOnlyList<RunRequest>> GetRunRequestsAsync(DateTime since, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<RunRequest>(new CommandDefinition(
            "SELECT id AS Id, source_id AS SourceId, requested_by AS RequestedBy, requested_at AS RequestedAt FROM run_requests WHERE requested_at >= @since ORDER BY requested_at, id",
            new { since }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>The quarantined rows of a run, in the order they were received.</summary>
    public async Task<IReadOnlyList<StoredRejection>> GetRejectionsAsync(string runId, int limit, int offset, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<StoredRejection>(new CommandDefinition("""
            SELECT id AS Id, run_id AS RunId, source_id AS SourceId, region_code AS RegionCode, row_number AS RowNumber, row AS Row,
                   field AS Field, reason AS Reason, rejected_at AS RejectedAt
            FROM rejections WHERE run_id = @runId ORDER BY row_number, id LIMIT @limit OFFSET @offset
            """, new { runId, limit, offset }, cancellationToken: ct));
        return rows.ToList();
    }

    private sealed partial class RunRow
    {
        public const string Columns = """
            id AS Id, source_id AS SourceId, trigger AS Trigger, started_at AS StartedAt, finished_at AS FinishedAt, status AS Status,
            rows_received AS RowsReceived, rows_loaded AS RowsLoaded, rows_rejected AS RowsRejected, pages AS Pages, retries AS Retries,
            watermark_from AS WatermarkFrom, watermark_to AS WatermarkTo, file_name AS FileName, error AS Error, owner AS Owner
            """;

        public string Id { get; init; } = "";
        public string SourceId { get; init; } = "";
        public string Trigger { get; init; } = "";
        public DateTime StartedAt { get; init; }
        public DateTime? FinishedAt { get; init; }
        public string Status { get; init; } = "";
        public ulong RowsReceived { get; init; }
        public ulong RowsLoaded { get; init; }
        public ulong RowsRejected { get; init; }
        public uint Pages { get; init; }
        public uint Retries { get; init; }
        public DateTime? WatermarkFrom { get; init; }
        public DateTime? WatermarkTo { get; init; }
        public string FileName { get; init; } = "";
        public string Error { get; init; } = "";
        public string Owner { get; init; } = "";

        public PullRun ToRun() => new()
        {
            Id = Id, SourceId = SourceId, Trigger = Enum.Parse<RunTrigger>(Trigger), StartedAt = StartedAt, FinishedAt = FinishedAt,
            Status = Enum.Parse<RunStatus>(Status), RowsReceived = (long)RowsReceived, RowsLoaded = (long)RowsLoaded,
            RowsRejected = (long)RowsRejected, Pages = (int)Pages, Retries = (int)Retries, WatermarkFrom = WatermarkFrom,
            WatermarkTo = WatermarkTo, FileName = FileName, Error = Error, Owner = Owner,
        };
    }
}
