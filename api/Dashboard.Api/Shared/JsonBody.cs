using System.Text.Json;

namespace Dashboard.Api.Shared;

/// <summary>
/// The one way REST endpoints read a JSON body: a wrong content type, malformed JSON or a value of the wrong type
/// becomes a 400 naming the field (the JSON path) rather than the framework's generic binding error.
/// </summary>
internal static class JsonBody
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The body as <typeparamref name="T"/>, or the 400 to answer.</summary>
    /// <param name="context">The request.</param>
    /// <param name="what">What the body is, for messages ("the target").</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="allowEmpty">Whether an empty body is fine (then both results are null).</param>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, string what, CancellationToken ct, bool allowEmpty = false)
        where T : class
    {
        if (allowEmpty && context.Request.ContentLength == 0) return (null, null);
        if (!context.Request.HasJsonContentType())
            return (null, ApiProblems.BadParameter("body", $"Send {what} as JSON (Content-Type: application/json)."));
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Json, ct);
            return value is null && !allowEmpty
                ? (null, ApiProblems.BadParameter("body", $"The body is empty; send {what} as a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (null, ApiProblems.BadParameter(field,
                $"{field}: not valid JSON of the expected type (line {ex.LineNumber + 1}, position {ex.BytePositionInLine})."));
        }
    }
}
