using System.Collections.Concurrent;
using Dashboard.Api.OData;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Storage;
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
/// Expands a principal's granted regions into its jurisdiction (one small ClickHouse query over the region
/// closure, reused for a minute per set of grants: the hierarchy changes rarely, grants are read fresh).
/// </summary>
internal sealed class ScopeResolver(ClickHouseDatabase database, SourceRegistry sources, TimeProvider clock)
{
    private static readonly TimeSpan Reuse = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlySet<string> Regions, IReadOnlySet<string> Ancestors)> _expanded = new(StringComparer.Ordinal);

    public async Task<Jurisdiction> ResolveAsync(SecurityPrincipal principal, CancellationToken ct)
    {
        var roots = RegionScope.Normalize(principal.Regions);
        var key = string.Join(",", roots);
        var now = clock.GetUtcNow();
        if (!_expanded.TryGetValue(key, out var cached) || now - cached.At > Reuse)
        {
            cached = (now, await RegionScope.ExpandAsync(database, roots, ct), await AncestorsAsync(roots, ct));
            _expanded[key] = cached;
        }
        var sourceIds = sources.All.Where(s => cached.Regions.Contains(s.RegionCode)).Select(s => s.Id).ToList();
        return new Jurisdiction(new DataScope(roots, sourceIds), cached.Regions, cached.Ancestors);
    }

    private async Task<IReadOnlySet<string>> AncestorsAsync(IReadOnlyList<string> roots, CancellationToken ct)
    {
        if (roots.Count == 0) return new HashSet<string>(StringComparer.Ordinal);
        await using var c = await database.OpenAsync(ct);
        var codes = await Dapper.SqlMapper.QueryAsync<string>(c, new Dapper.CommandDefinition(
            "SELECT DISTINCT ancestor_code FROM region_closure WHERE region_code IN @roots", new { roots = roots.ToArray() }, cancellationToken: ct));
        return codes.ToHashSet(StringComparer.Ordinal);
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
