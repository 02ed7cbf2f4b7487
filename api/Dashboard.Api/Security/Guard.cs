using Dashboard.Security.Audit;

namespace Dashboard.Api.Security;

/// <summary>Answers for requests outside the caller's jurisdiction: a 403 that says so, and an audit record.</summary>
internal static class Guard
{
    public static async Task<IResult> OutsideAsync(HttpContext context, ApiAudit audit, string what, CancellationToken ct)
    {
        await audit.DeniedAsync(context, what + " is outside the caller's jurisdiction", ct);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Outside your jurisdiction",
            detail: $"{what} is outside the regions you are responsible for.");
    }
}
