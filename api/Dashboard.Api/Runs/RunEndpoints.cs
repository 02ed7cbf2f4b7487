using Dashboard.Api.Security;
using Dashboard.Api.Shared;
using Dashboard.Data.Ingestion;

namespace Dashboard.Api.Runs;

internal static class RunEndpoints
{
    internal static readonly IntegerQuery RejectionsLimit = new("limit", 1, 1000, 100, "How many rows (1–1000, default 100).");
    internal static readonly IntegerQuery RejectionsOffset = new("offset", 0, int.MaxValue, 0, "How many rows to skip (default 0); rows come in the order they were received.");

    public static void MapRuns(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/runs").WithTags("Runs").RequireAuthorization(Policies.ReadData);

        runs.MapGet("/{id}", GetAsync)
            .WithName("GetRun")
            .WithSummary("Get one pull run or file load")
            .WithDescription("The run's latest recorded state: status, row counts, watermarks, file name and error. 404 when no run has this id.")
            .Produces<PullRun>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);

        runs.MapGet("/{id}/rejections", GetRejectionsAsync)
            .WithName("ListRunRejections")
            .WithSummary("List the rows a run quarantined, with field and reason")
            .WithDescription("Each rejected row as received (row: the JSON object or the file's cells as CSV), its row number, the contract field at fault and the reason (Chinese, for the district officer). The run's rowsRejected is the total. 404 when no run has this id; 400 naming limit or offset when out of range.")
            .WithMetadata(RejectionsLimit)
            .WithMetadata(RejectionsOffset)
            .Produces<IReadOnlyList<StoredRejection>>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, ScopeResolver scopes, ApiAudit audit, IngestionStore store, CancellationToken ct)
    {
        if (await store.GetRunAsync(id, ct) is not { } run) return UnknownRun(id);
        if (!(await scopes.ForRequestAsync(context)).AllowsSource(run.SourceId)) return await Guard.OutsideAsync(context, audit, $"Run '{id}'", ct);
        return TypedResults.Ok(run);
    }

    private static async Task<IResult> GetRejectionsAsync(string id, string? limit, string? offset, HttpContext context, ScopeResolver scopes, ApiAudit audit,
        IngestionStore store, CancellationToken ct)
    {
        if (!RejectionsLimit.TryParse(limit, out var take, out var problem)) return problem;
        if (!RejectionsOffset.TryParse(offset, out var skip, out problem)) return problem;
        if (await store.GetRunAsync(id, ct) is not { } run) return UnknownRun(id);
        if (!(await scopes.ForRequestAsync(context)).AllowsSource(run.SourceId)) return await Guard.OutsideAsync(context, audit, $"Run '{id}'", ct);
        return TypedResults.Ok(await store.GetRejectionsAsync(id, take, skip, ct));
    }

    private static IResult UnknownRun(string id) => ApiProblems.NotFound("run", "id", id);
}
