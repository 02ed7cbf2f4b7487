using System.Text.Json;
using System.Text.Json.Serialization;
using DistrictSimulator.Faults;
using DistrictSimulator.Feed;
using DistrictSimulator.Sources;

namespace DistrictSimulator.Admin;

/// <summary>A source's faults as GET /admin/faults reports them.</summary>
/// <param name="Settings">The faults.</param>
/// <param name="Requests">Feed requests counted since the faults were last set.</param>
public sealed record FaultState(FaultSettings Settings, long Requests);

/// <summary>Fault switches and each source's truth, behind the X-Simulator-Admin header.</summary>
internal static class AdminEndpoints
{
    private static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/faults", (HttpRequest request, SourceAuth auth, FaultRegistry faults) =>
            auth.CheckAdmin(request) ?? Results.Ok(faults.Snapshot().ToDictionary(kv => kv.Key, kv => new FaultState(kv.Value.Settings, kv.Value.Requests))));

        app.MapPut("/admin/faults/{sourceId}", PutFaultsAsync);

        app.MapDelete("/admin/faults/{sourceId}", (string sourceId, HttpRequest request, SourceAuth auth, FaultRegistry faults, SimulatorState state, ILoggerFactory logs) =>
        {
            if (auth.CheckAdmin(request) is { } denied) return denied;
            if (state.Data.Find(sourceId) is null) return UnknownSource(sourceId);
            faults.Clear(sourceId);
            logs.CreateLogger("DistrictSimulator.Admin").LogInformation("Faults of {Source} cleared", sourceId);
            return Results.NoContent();
        });

        app.MapGet("/{sourceId}/v1/truth", (string sourceId, HttpRequest request, SourceAuth auth, SimulatorState state) =>
        {
            if (auth.CheckAdmin(request) is { } denied) return denied;
            var data = state.Data;
            if (data.Find(sourceId) is not { } source) return UnknownSource(sourceId);
            return Results.Bytes(FeedWriters.Truth(source.Id, data.Today, source.Truth()), "application/json; charset=utf-8");
        });
    }

    private static async Task<IResult> PutFaultsAsync(string sourceId, HttpRequest request, SourceAuth auth, FaultRegistry faults, SimulatorState state, ILoggerFactory logs, CancellationToken ct)
    {
        if (auth.CheckAdmin(request) is { } denied) return denied;
        if (state.Data.Find(sourceId) is null) return UnknownSource(sourceId);
        FaultSettings settings;
        try
        {
            settings = (await JsonSerializer.DeserializeAsync<FaultSettings>(request.Body, BodyOptions, ct) ?? new FaultSettings()).Normalized();
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return Results.Problem($"The body must be a JSON fault object: {e.Message}", statusCode: StatusCodes.Status400BadRequest);
        }
        faults.Set(sourceId, settings);
        logs.CreateLogger("DistrictSimulator.Admin").LogInformation("Faults of {Source} set: {Faults}", sourceId, Describe(settings));
        return Results.Ok(new FaultState(settings, 0));
    }

    /// <summary>A one-line description of the faults for the log.</summary>
    public static string Describe(FaultSettings s) =>
        $"latencyMs={s.LatencyMs} tooManyRequestsEvery={s.TooManyRequestsEvery} serverErrorEvery={s.ServerErrorEvery} resetEvery={s.ResetEvery} "
        + $"truncateEvery={s.TruncateEvery} duplicateRows={s.DuplicateRows} repeatPageEvery={s.RepeatPageEvery} invalidRows=[{string.Join(',', s.InvalidRows)}]";

    private static IResult UnknownSource(string sourceId) =>
        Results.Problem($"No source '{sourceId}'; GET /v1/sources lists them.", statusCode: StatusCodes.Status404NotFound);
}
