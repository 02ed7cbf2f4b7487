using Dashboard.Api.Security;
using Dashboard.Api.Shared;
using Dashboard.Data.Ingestion;

namespace Dashboard.Api.Sources;

/// <summary>A configured source and where its pulls stand. The secret is never part of it (only whether one is set).</summary>
/// <param name="Source">The source's configuration, without its secret.</param>
/// <param name="Watermark" example="2025-10-08T01:30:00Z">The latest updatedAt the source's successful pulls have stored (UTC); null before the first one.</param>
/// <param name="LatestRun">The source's most recent run (pull, file load or upload), or null when it never ran.</param>
/// <param name="NextRunAt" example="2025-10-08T01:35:00Z">When its schedule (Cron, China time) fires next (UTC); null when disabled.</param>
public sealed record SourceStatus(SourceSummary Source, DateTime? Watermark, RunSummary? LatestRun, DateTime? NextRunAt);

/// <summary>The outline of a run, as listed with its source.</summary>
/// <param name="Id" example="4f1c2a9b8e7d4c3ba1f0e9d8c7b6a5f4">Run id; GET /api/runs/{id} has the rest.</param>
/// <param name="Status" example="PartiallySucceeded">Running, Succeeded, PartiallySucceeded, Failed or Skipped.</param>
/// <param name="StartedAt" example="2025-10-08T01:30:00Z">Start (UTC).</param>
/// <param name="FinishedAt" example="2025-10-08T01:30:04Z">End (UTC); null while running.</param>
/// <param name="RowsLoaded" example="1200">Valid rows stored.</param>
/// <param name="RowsRejected" example="3">Rows quarantined (GET /api/runs/{id}/rejections).</param>
public sealed record RunSummary(string Id, RunStatus Status, DateTime StartedAt, DateTime? FinishedAt, long RowsLoaded, long RowsRejected)
{
    public static RunSummary Of(PullRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(run.Id, run.Status, run.StartedAt, run.FinishedAt, run.RowsLoaded, run.RowsRejected);
    }
}

/// <summary>The answer to "run now": the request the jobs host will pick up.</summary>
/// <param name="RequestId" example="0b9e6c1d2f3a4b5c8d7e6f5a4b3c2d1e">The run request's id (table run_requests).</param>
/// <param name="SourceId" example="331024-edu">The source to be pulled.</param>
public sealed record RunRequested(string RequestId, string SourceId);

internal static class SourceEndpoints
{
    internal static readonly IntegerQuery RunsLimit = new("limit", 1, 500, 50, "How many runs, newest first (1–500, default 50).");

    public static void MapSources(this IEndpointRouteBuilder app)
    {
        var sources = app.MapGroup("/api/sources").WithTags("Sources").RequireAuthorization(Policies.ReadData);

        sources.MapGet("/", ListAsync)
            .WithName("ListSources")
            .WithSummary("List every configured source with its watermark and latest run")
            .WithDescription("Every district system in configuration (section Sources), without secrets (hasSecret says whether one is set), with the watermark its pulls reached and its most recent run.")
            .Produces<IReadOnlyList<SourceStatus>>(StatusCodes.Status200OK);

        sources.MapGet("/{id}", GetAsync)
            .WithName("GetSource")
            .WithSummary("Get one source with its watermark and latest run")
            .WithDescription("404 when no source has this id.")
            .Produces<SourceStatus>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);

        sources.MapPost("/{id}/run", RunNowAsync)
            .WithName("RunSourceNow")
            .WithSummary("Run now: ask the jobs host to pull an HTTP source at once")
            .WithDescription("Records a run request (table run_requests) that the jobs host picks up; the run then appears under GET /api/sources/{id}/runs. 202 with the request id; 404 unknown source; 409 for a File source (upload its file instead) or a disabled source.")
            .RequireAuthorization(Policies.SubmitData)
            .Produces<RunRequested>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        sources.MapGet("/{id}/runs", GetRunsAsync)
            .WithName("ListSourceRuns")
            .WithSummary("List a source's latest runs, newest first")
            .WithDescription("Pulls, drop-folder loads and uploads of the source. limit: 1–500, default 50; anything else is a 400 naming limit.")
            .WithMetadata(RunsLimit)
            .Produces<IReadOnlyList<PullRun>>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ScopeResolver scopes, SourceRegistry registry, IngestionStore store, CancellationToken ct)
    {
        var jurisdiction = await scopes.ForRequestAsync(context);
        var all = registry.All.Where(s => jurisdiction.AllowsSource(s.Id)).ToList();
        var result = new SourceStatus[all.Count];
        // Two small queries per source; a few at a time keeps ClickHouse's concurrent-query budget for others.
        await Parallel.ForEachAsync(Enumerable.Range(0, all.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (i, token) => result[i] = await StatusAsync(all[i], store, token));
        return TypedResults.Ok(result);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, ScopeResolver scopes, ApiAudit audit, SourceRegistry registry, IngestionStore store, CancellationToken ct)
    {
        if (registry.Find(id) is not { } source) return UnknownSource(id);
        if (!(await scopes.ForRequestAsync(context)).AllowsSource(id)) return await Guard.OutsideAsync(context, audit, $"Source '{id}'", ct);
        return TypedResults.Ok(await StatusAsync(source, store, ct));
    }

    private static async Task<IResult> RunNowAsync(string id, HttpContext context, ScopeResolver scopes, ApiAudit audit, SourceRegistry registry,
        IngestionStore store, ILogger<RunRequested> logger, CancellationToken ct)
    {
        if (registry.Find(id) is not { } source) return UnknownSource(id);
        if (!(await scopes.ForRequestAsync(context)).AllowsSource(id)) return await Guard.OutsideAsync(context, audit, $"Source '{id}'", ct);
        if (source.Kind != SourceKind.Http)
            return ApiProblems.Conflict("Not a pulled source",
                $"Source '{id}' is a {source.Kind} source: its files are loaded from its drop folder or uploaded (POST /api/sources/{id}/uploads); there is no feed to pull now.");
        if (!source.Enabled)
            return ApiProblems.Conflict("Source disabled",
                $"Source '{id}' is disabled (Enabled = false in its configuration): enable it before asking for a run.");
        var requestId = await store.RequestRunAsync(id, requestedBy: context.User.Identity?.Name ?? "api", ct);
        logger.LogInformation("Run requested for source {SourceId}: request {RequestId}", id, requestId);
        return TypedResults.Accepted($"/api/sources/{Uri.EscapeDataString(id)}/runs", new RunRequested(requestId, id));
    }

    private static async Task<IResult> GetRunsAsync(string id, string? limit, HttpContext context, ScopeResolver scopes, ApiAudit audit,
        SourceRegistry registry, IngestionStore store, CancellationToken ct)
    {
        if (!RunsLimit.TryParse(limit, out var n, out var problem)) return problem;
        if (registry.Find(id) is null) return UnknownSource(id);
        if (!(await scopes.ForRequestAsync(context)).AllowsSource(id)) return await Guard.OutsideAsync(context, audit, $"Source '{id}'", ct);
        return TypedResults.Ok(await store.GetRunsAsync(id, n, ct));
    }

    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    // The jobs host schedules each source with Quartz in China time; the same cron reading gives the next firing here.
    private static DateTime? NextRun(SourceConfig source)
    {
        if (!source.Enabled || !Quartz.CronExpression.TryParse(source.Cron, out var cron) || cron is null) return null;
        return cron.WithTimeZone(China).GetNextValidTimeAfter(DateTimeOffset.UtcNow)?.UtcDateTime;
    }

    internal static IResult UnknownSource(string id) => ApiProblems.NotFound("source", "id", id);

    private static async Task<SourceStatus> StatusAsync(SourceConfig source, IngestionStore store, CancellationToken ct)
    {
        var watermark = await store.GetWatermarkAsync(source.Id, ct);
        var runs = await store.GetRunsAsync(source.Id, 1, ct);
        var latest = runs.Count > 0 ? runs[0] : null;
        return new SourceStatus(SourceRegistry.Summarize(source), watermark, latest is null ? null : RunSummary.Of(latest), NextRun(source));
    }
}
