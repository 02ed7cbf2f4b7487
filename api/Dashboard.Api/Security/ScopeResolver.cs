using Dashboard.Api.OData;
using Dashboard.Data.Ingestion;
using Dashboard.Security.Jurisdiction;
using Dashboard.Security.Users;

namespace Dashboard.Api.Security;

/// <summary>A caller's jurisdiction: the regions granted, every region under them, and the sources of those regions.</summary>
/// <param name="Scope">What the OData service and REST reads are limited to.</param>
/// <param name="Regions">The granted regions and all their sub-regions.</param>
/// <param name="Ancestors">The regions above the granted ones (their targets apply by inheritance; their names are context).</param>
internal sealed record Jurisdiction(DataScope Scope, IReadOnlySet<string> Regions, IReadOnlySet<string> Ancestors)
{
    public bool Allows(string regionCode) => Regions.Contains(regionCode);

    /// <summary>Catalogue entries (targets, region names) of these regions are readable: the jurisdiction and what is above it.</summary>
    public bool Sees(string regionCode) => Regions.Contains(regionCode) || Ancestors.Contains(regionCode);

    public bool AllowsSource(string sourceId) => Scope.SourceIds.Contains(sourceId, StringComparer.Ordinal);
}

/// <summary>
/// Expands a principal's granted regions into its jurisdiction against the in-memory region hierarchy
/// (<see cref="RegionHierarchy"/>: re-read when the regions table changes, checked at most once a second).
/// Grants themselves are read fresh with the principal on every request.
/// </summary>
internal sealed class ScopeResolver(RegionHierarchy hierarchy, SourceRegistry sources)
{
    public async Task<Jurisdiction> ResolveAsync(SecurityPrincipal principal, CancellationToken ct)
    {
        var roots = RegionScope.Normalize(principal.Regions);
        var expanded = await hierarchy.ExpandAsync(roots, ct);
        var sourceIds = sources.All.Where(s => expanded.Regions.Contains(s.RegionCode)).Select(s => s.Id).ToList();
        return new Jurisdiction(new DataScope(roots, sourceIds, expanded), expanded.Regions, expanded.Ancestors);
    }

    /// <summary>The jurisdiction of the request's caller (resolved once per request).</summary>
    public async Task<Jurisdiction> ForRequestAsync(HttpContext context)
    {
        if (context.Items[typeof(Jurisdiction)] is Jurisdiction j) return j;
        var principal = context.Items[TokenAuthenticationHandler.PrincipalItem] as SecurityPrincipal
            ?? throw new InvalidOperationException("The request has no authenticated principal; the endpoint must require authorization.");
        j = await ResolveAsync(principal, context.RequestAborted);
        context.Items[typeof(Jurisdiction)] = j;
        return j;
    }
}
