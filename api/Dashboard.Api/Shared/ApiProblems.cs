using System.Globalization;

namespace Dashboard.Api.Shared;

/// <summary>
/// The api's error answers: RFC 7807 ProblemDetails whose detail names the parameter or field at fault,
/// and, for bad input, an <c>errors</c> map keyed by that name (ValidationProblemDetails).
/// </summary>
internal static class ApiProblems
{
    /// <summary>400 for one bad parameter or form field.</summary>
    public static IResult BadParameter(string name, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]>(StringComparer.Ordinal) { [name] = [message] },
            detail: message,
            title: $"Invalid '{name}'");

    /// <summary>404 naming what was looked for.</summary>
    public static IResult NotFound(string what, string parameter, string id) =>
        TypedResults.Problem(
            detail: $"No {what} with {parameter} '{id}'.",
            statusCode: StatusCodes.Status404NotFound,
            title: $"Unknown {what}",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["parameter"] = parameter, ["value"] = id });

    /// <summary>409: the request is understood but the resource's state forbids it.</summary>
    public static IResult Conflict(string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: title);

    /// <summary>Formats a byte count for a message (invariant culture).</summary>
    public static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture);
}
