using System.Globalization;
using Dashboard.Api.Security;
using Dashboard.Api.Shared;
using Dashboard.Security.Audit;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Periods;
using Dashboard.Data.Scorecard;

namespace Dashboard.Api.Targets;

/// <summary>
/// A target as written by an administrator: every field of the policy sentence. Enumerations and dates are
/// strings here so that a wrong one gets a 400 naming the field rather than a generic body error.
/// </summary>
/// <param name="Id" example="KS-PUBLIC-ABSORPTION-2023">The target id (create only; at most 64 characters). Edits take the id from the URL.</param>
/// <param name="RegionCode" example="320583">The region the target is set for (must exist).</param>
/// <param name="IndicatorCode" example="PUBLIC_ABSORPTION">The indicator measured (must exist).</param>
/// <param name="Kind" example="Level">Level, ChangeFromBaseline, Cumulative, Ceiling or Maintain.</param>
/// <param name="Comparator" example="ge">ge, gt, le or lt.</param>
/// <param name="Value" example="0.9">The target value; ratio indicators as fractions (0.9, not 90).</param>
/// <param name="StartDate" example="2021-09-01">First day the target counts from (yyyy-MM-dd).</param>
/// <param name="Deadline" example="2023-12-31">The deadline (yyyy-MM-dd), after the start date.</param>
/// <param name="BaselinePeriod" example="2021-09-01">First day of the baseline period (yyyy-MM-dd), required for ChangeFromBaseline and a period start of the indicator's periodicity.</param>
/// <param name="Document" example="昆山市随迁子女教育实施方案.txt">The policy document's file name.</param>
/// <param name="Clause" example="到2023年，随迁子女在公办学校就读比例达到90%。">The clause, quoted verbatim.</param>
/// <param name="ResponsibleUnits">The units the clause names.</param>
/// <param name="ChangeNote" example="按2024年修订稿调整">Why this version was made (required for an edit).</param>
public sealed record TargetInput(
    string? Id, string? RegionCode, string? IndicatorCode, string? Kind, string? Comparator, decimal? Value, string? StartDate,
    string? Deadline, string? BaselinePeriod, string? Document, string? Clause, IReadOnlyList<string>? ResponsibleUnits, string? ChangeNote);

internal static class TargetEndpoints
{
    public static void MapTargets(this IEndpointRouteBuilder app)
    {
        var targets = app.MapGroup("/api/targets").WithTags("Targets").RequireAuthorization(Policies.ReadData);

        targets.MapGet("/{id}", GetAsync)
            .WithName("GetTarget")
            .WithSummary("Get a target's current version and its history")
            .WithDescription("Every version of the target, oldest first, each with author, time and change note; the last is current. 404 when no target has this id.")
            .Produces<IReadOnlyList<TargetVersion>>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);

        targets.MapPost("/", CreateAsync)
            .WithName("CreateTarget")
            .WithSummary("Create a target (version 1)")
            .WithDescription("Validated field by field and against the catalogue (region and indicator must exist; baselinePeriod must start a period of the indicator). 400 names the field; 409 when the id exists (edit it instead).")
            .RequireAuthorization(Policies.EditTargets)
            .Accepts<TargetInput>("application/json")
            .Produces<TargetVersion>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        targets.MapPut("/{id}", EditAsync)
            .WithName("EditTarget")
            .WithSummary("Edit a target: store the next version")
            .WithDescription("Nothing is overwritten: the edit becomes the next version with its author, time and change note (required), and the history keeps every earlier one. Same validation as create; 404 when the id does not exist.")
            .RequireAuthorization(Policies.EditTargets)
            .Accepts<TargetInput>("application/json")
            .Produces<TargetVersion>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> GetAsync(string id, TargetStore store, CancellationToken ct)
    {
        var history = await store.GetHistoryAsync(id, ct);
        return history.Count == 0 ? ApiProblems.NotFound("target", "id", id) : TypedResults.Ok(history);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, TargetStore store, CatalogueStore catalogue, ScorecardResultStore results, ScopeResolver scopes, ApiAudit audit, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<TargetInput>(context, "the target", ct);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(input!.Id)) return ApiProblems.BadParameter("id", "id is required to create a target.");
        if ((await store.GetHistoryAsync(input.Id, ct)).Count > 0)
            return ApiProblems.Conflict("Target exists", $"A target with id '{input.Id}' exists; edit it with PUT /api/targets/{input.Id}.");
        return await SaveAsync(context, input.Id, input, store, catalogue, results, scopes, audit, created: true, ct);
    }

    private static async Task<IResult> EditAsync(string id, HttpContext context, TargetStore store, CatalogueStore catalogue, ScorecardResultStore results, ScopeResolver scopes, ApiAudit audit, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<TargetInput>(context, "the target", ct);
        if (problem is not null) return problem;
        if (input!.Id is { } bodyId && !string.Equals(bodyId, id, StringComparison.Ordinal))
            return ApiProblems.BadParameter("id", $"The body's id '{bodyId}' differs from the URL's '{id}'; an id cannot change.");
        if ((await store.GetHistoryAsync(id, ct)).Count == 0) return ApiProblems.NotFound("target", "id", id);
        if (string.IsNullOrWhiteSpace(input.ChangeNote)) return ApiProblems.BadParameter("changeNote", "Say why the target changes (changeNote).");
        return await SaveAsync(context, id, input, store, catalogue, results, scopes, audit, created: false, ct);
    }

    private static async Task<IResult> SaveAsync(HttpContext context, string id, TargetInput input, TargetStore store, CatalogueStore catalogue, ScorecardResultStore results, ScopeResolver scopes, ApiAudit audit, bool created, CancellationToken ct)
    {
        if (!TryEnum<TargetKind>(input.Kind, "kind", out var kind, out var problem)) return problem!;
        if (!TryEnum<Comparator>(input.Comparator, "comparator", out var comparator, out problem)) return problem!;
        if (input.Value is not { } value) return ApiProblems.BadParameter("value", "value is required (a number; ratios as fractions, e.g. 0.9).");
        if (!TryDate(input.StartDate, "startDate", required: true, out var start, out problem)) return problem!;
        if (!TryDate(input.Deadline, "deadline", required: true, out var deadline, out problem)) return problem!;
        if (!TryDate(input.BaselinePeriod, "baselinePeriod", required: false, out var baseline, out problem)) return problem!;

        var target = new Target(id, 0, input.RegionCode?.Trim() ?? "", input.IndicatorCode?.Trim() ?? "", kind, comparator, value,
            start!.Value, deadline!.Value, baseline, input.Document?.Trim() ?? "", input.Clause?.Trim() ?? "",
            (input.ResponsibleUnits ?? []).Select(u => u?.Trim() ?? "").ToList());
        var author = Author(context);
        try
        {
            TargetStore.Validate(target, author);
        }
        catch (ArgumentException ex)
        {
            return ApiProblems.BadParameter(ex.ParamName ?? "body", ex.Message);
        }

        if (await catalogue.FindRegionAsync(target.RegionCode, ct) is null)
            return ApiProblems.BadParameter("regionCode", $"regionCode: there is no region '{target.RegionCode}'.");
        if (!(await scopes.ForRequestAsync(context)).Allows(target.RegionCode))
            return await Guard.OutsideAsync(context, audit, $"Region '{target.RegionCode}'", ct);
        var indicator = (await catalogue.GetIndicatorsAsync(ct)).FirstOrDefault(i => i.Code == target.IndicatorCode);
        if (indicator is null) return ApiProblems.BadParameter("indicatorCode", $"indicatorCode: there is no indicator '{target.IndicatorCode}'.");
        if (target.BaselinePeriod is { } b && PeriodCalendar.Start(indicator.Periodicity, b) != b)
            return ApiProblems.BadParameter("baselinePeriod",
                $"baselinePeriod: {indicator.Code} is reported per {indicator.Periodicity}; {b:yyyy-MM-dd} is not the first day of one (that would be {PeriodCalendar.Start(indicator.Periodicity, b):yyyy-MM-dd}).");

        var previous = created ? null : (await store.GetHistoryAsync(id, ct))[^1].Target;
        if (previous is not null && !(await scopes.ForRequestAsync(context)).Allows(previous.RegionCode))
            return await Guard.OutsideAsync(context, audit, $"Target '{id}' (region '{previous.RegionCode}')", ct);
        var stored = await store.SaveNewVersionAsync(target, author, input.ChangeNote?.Trim() ?? (created ? "created" : ""), ct);
        results.Invalidate();
        await audit.WriteAsync(context, AuditAction.TargetEdited, $"target {id} v{stored.Target.Version}", AuditResult.Success,
            previous is null ? "created: " + Describe(stored.Target) : Describe(previous) + " → " + Describe(stored.Target), ct);
        return created ? TypedResults.Created($"/api/targets/{Uri.EscapeDataString(id)}", stored) : TypedResults.Ok(stored);
    }

    private static string Describe(Target t) => string.Create(CultureInfo.InvariantCulture,
        $"{t.RegionCode} {t.IndicatorCode} {t.Kind} {t.Comparator.ToString().ToLowerInvariant()} {t.Value.ToString("0.##########", CultureInfo.InvariantCulture)} {t.StartDate:yyyy-MM-dd}..{t.Deadline:yyyy-MM-dd} baseline {t.BaselinePeriod?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-"}");

    /// <summary>Who makes the change: the signed-in user; until sign-in exists for the api, the caller is "api".</summary>
    internal static string Author(HttpContext context) => context.User.Identity?.Name is { Length: > 0 } name ? name : "api";

    private static bool TryEnum<T>(string? text, string field, out T value, out IResult? problem) where T : struct, Enum
    {
        problem = null;
        // Names only: a number would parse as an enum value and slip through.
        if (text is { Length: > 0 } && !char.IsAsciiDigit(text[0]) && text[0] != '-' && Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value))
            return true;
        value = default;
        problem = ApiProblems.BadParameter(field, $"{field}: must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => typeof(T) == typeof(Comparator) ? n.ToLowerInvariant() : n))}.");
        return false;
    }

    private static bool TryDate(string? text, string field, bool required, out DateOnly? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            if (!required) return true;
            problem = ApiProblems.BadParameter(field, $"{field}: required, a date written yyyy-MM-dd.");
            return false;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            value = d;
            return true;
        }
        problem = ApiProblems.BadParameter(field, $"{field}: '{text}' is not a date written yyyy-MM-dd.");
        return false;
    }
}
