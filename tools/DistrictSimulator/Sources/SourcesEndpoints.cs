namespace DistrictSimulator.Sources;

/// <summary>A source as GET /v1/sources lists it (never its token).</summary>
/// <param name="Id">Source id, <c>{countyCode}-edu</c>.</param>
/// <param name="CountyCode">The county-level region.</param>
/// <param name="CountyName">Its Chinese name.</param>
/// <param name="BasePath">The feed's base path: <c>GET {host}{basePath}/v1/observations</c>.</param>
/// <param name="Profile">OnTrack, Lagging, Silent or Stale.</param>
/// <param name="Regions">The region codes it reports rows for.</param>
/// <param name="Indicators">The indicator codes it reports.</param>
/// <param name="RowCount">Rows it serves (revisions counted).</param>
public sealed record SourceInfo(string Id, string CountyCode, string CountyName, string BasePath, string Profile,
    IReadOnlyList<string> Regions, IReadOnlyList<string> Indicators, int RowCount);

internal static class SourcesEndpoints
{
    public static void MapSources(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/sources", (SimulatorState state) => Results.Ok(state.Data.Sources.Select(s => new SourceInfo(
            s.Id, s.County.Code, s.County.Name, s.BasePath, s.Profile.ToString(),
            s.Leaves.Select(l => l.Code).ToList(), s.Indicators.Select(i => i.Code).ToList(), s.Rows.Count)).ToList()));
        app.MapGet("/", () => Results.Redirect("/v1/sources"));
    }
}
