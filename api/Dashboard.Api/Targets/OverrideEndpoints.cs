using System.Globalization;
using Dashboard.Api.Security;
using Dashboard.Api.Shared;
using Dashboard.Security.Audit;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;

namespace Dashboard.Api.Targets;

/// <summary>An inspector's override of a computed rating.</summary>
/// <param name="RegionCode" example="320583">The region judged.</param>
/// <param name="TargetId" example="KS-PUBLIC-ABSORPTION-2023">The target it is judged against.</param>
/// <param name="Status" example="AmberGreen">The status the inspector judges right: Green, AmberGreen, AmberRed, Red, Met, Missed or NoData.</param>
/// <param name="Reason" example="9月新建学校已投用，秋季学期数据尚未上报。">Why (required; shown beside the computed rating and in reports).</param>
/// <param name="ValidFrom" example="2023-06-30">The first as-of date it applies to (yyyy-MM-dd; default: today, China time).</param>
public sealed record OverrideInput(string? RegionCode, string? TargetId, string? Status, string? Reason, string? ValidFrom);

internal static class OverrideEndpoints
{
    public static void MapOverrides(this IEndpointRouteBuilder app)
    {
        var overrides = app.MapGroup("/api/overrides").WithTags("Rating overrides").RequireAuthorization(Policies.ReadData);

        overrides.MapPost("/", AddAsync)
            .WithName("AddOverride")
            .WithSummary("Override a computed rating, with a reason")
            .WithDescription("The override is kept beside the computed rating, never instead of it, and applies from validFrom on. The reason is required. 400 names the field; 404 when the region or target does not exist.")
            .RequireAuthorization(Policies.OverrideRatings)
            .Accepts<OverrideInput>("application/json")
            .Produces<StoredOverride>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        overrides.MapGet("/", ListAsync)
            .WithName("ListOverrides")
            .WithSummary("List the overrides of a region, newest first")
            .WithDescription("Every override ever made for the region (optionally against one target), newest first; the newest valid one is the one shown. 400 when regionCode is missing.")
            .Produces<IReadOnlyList<StoredOverride>>(StatusCodes.Status200OK)
            .ProducesValidationProblem();
    }

    private static async Task<IResult> ListAsync(string? regionCode, string? targetId, HttpContext context, ScopeResolver scopes, ApiAudit audit,
        OverrideStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(regionCode)) return ApiProblems.BadParameter("regionCode", "regionCode is required.");
        if (!(await scopes.ForRequestAsync(context)).Allows(regionCode.Trim())) return await Guard.OutsideAsync(context, audit, $"Region '{regionCode.Trim()}'", ct);
        return TypedResults.Ok(await store.ListAsync(regionCode.Trim(), string.IsNullOrWhiteSpace(targetId) ? null : targetId.Trim(), ct));
    }

    private static async Task<IResult> AddAsync(HttpContext context, OverrideStore store, CatalogueStore catalogue, TargetStore targets,
        ScorecardResultStore results, ScopeResolver scopes, ApiAudit audit, TimeProvider clock, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<OverrideInput>(context, "the override", ct);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(input!.RegionCode)) return ApiProblems.BadParameter("regionCode", "regionCode is required.");
        if (string.IsNullOrWhiteSpace(input.TargetId)) return ApiProblems.BadParameter("targetId", "targetId is required.");
        if (string.IsNullOrWhiteSpace(input.Reason)) return ApiProblems.BadParameter("reason", "reason is required: say why the computed rating is not right.");
        if (input.Reason.Length > 2000) return ApiProblems.BadParameter("reason", "reason: at most 2000 characters.");
        if (input.Status is not { Length: > 0 } statusText || char.IsAsciiDigit(statusText[0]) || statusText[0] == '-'
            || !Enum.TryParse<ScorecardStatus>(statusText, ignoreCase: true, out var status) || !Enum.IsDefined(status))
            return ApiProblems.BadParameter("status", $"status: must be one of {string.Join(", ", Enum.GetNames<ScorecardStatus>())}.");
        DateOnly validFrom;
        if (string.IsNullOrWhiteSpace(input.ValidFrom)) validFrom = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(8));
        else if (!DateOnly.TryParseExact(input.ValidFrom.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out validFrom))
            return ApiProblems.BadParameter("validFrom", $"validFrom: '{input.ValidFrom}' is not a date written yyyy-MM-dd.");

        var regionCode = input.RegionCode.Trim();
        var targetId = input.TargetId.Trim();
        if (await catalogue.FindRegionAsync(regionCode, ct) is null) return ApiProblems.NotFound("region", "regionCode", regionCode);
        if ((await targets.GetHistoryAsync(targetId, ct)).Count == 0) return ApiProblems.NotFound("target", "targetId", targetId);
        if (!(await scopes.ForRequestAsync(context)).Allows(regionCode)) return await Guard.OutsideAsync(context, audit, $"Region '{regionCode}'", ct);

        var author = TargetEndpoints.Author(context);
        var reason = input.Reason.Trim();
        await store.AddAsync(regionCode, targetId, status, reason, author, validFrom, ct);
        results.Invalidate();
        await audit.WriteAsync(context, AuditAction.OverrideAdded, $"region {regionCode}, target {targetId}", AuditResult.Success,
            $"{status} from {validFrom:yyyy-MM-dd}: {reason}", ct);
        var stored = new StoredOverride(regionCode, targetId, new RatingOverride(status, reason, author, clock.GetUtcNow().UtcDateTime, validFrom));
        return TypedResults.Created($"/api/overrides?regionCode={Uri.EscapeDataString(regionCode)}&targetId={Uri.EscapeDataString(targetId)}", stored);
    }
}
