using Dashboard.Data.Catalogue;

namespace Dashboard.Security.Jurisdiction;

/// <summary>A jurisdiction expanded against one reading of the region hierarchy.</summary>
/// <param name="Regions">The granted regions and every region under them.</param>
/// <param name="Ancestors">The granted regions and every region above them.</param>
/// <param name="Parents">
/// The granted regions and every region under them that has sub-regions: with "and their children" this covers
/// <paramref name="Regions"/>, and it is what a compact SQL condition needs to list (the leaves, thousands of
/// schools, are found by their parent in the database at query time).
/// </param>
public sealed record ExpandedScope(IReadOnlySet<string> Regions, IReadOnlySet<string> Ancestors, IReadOnlyList<string> Parents);

/// <summary>
/// The region hierarchy (code → parent) taken from the whole catalogue (<see cref="CatalogueStore.GetWholeAsync"/>)
/// and kept in memory until the catalogue changes. Jurisdictions are expanded here instead of through the <c>region_closure</c>
/// view, which ClickHouse recomputes with five joins on every reference (about 25 ms of CPU per query with
/// 24,000 regions: the whole cost of a small OData request).
/// </summary>
/// <remarks>
/// Whether the catalogue changed is asked at most once per <see cref="RecheckInterval"/> (GetWholeAsync compares
/// the tables' active parts, which change with every insert and merge, on a single server and on a replica
/// alike), not on every request. So a change of the hierarchy is seen within about a second, as it was when every
/// read recomputed the closure.
/// </remarks>
public sealed class RegionHierarchy(CatalogueStore catalogue, TimeProvider clock) : IDisposable
{
    /// <summary>How often the catalogue is asked whether it changed since the cached reading.</summary>
    public static TimeSpan RecheckInterval { get; } = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _current;

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private sealed class Snapshot(WholeCatalogue source, DateTimeOffset checkedAt, IReadOnlyDictionary<string, string> parents)
    {
        private long _checkedAt = checkedAt.UtcTicks;

        /// <summary>The catalogue reading this was made from (GetWholeAsync returns the same one while nothing changed).</summary>
        public WholeCatalogue Source { get; } = source;

        // Ticks, so readers on other threads never see a torn value.
        public DateTimeOffset CheckedAt
        {
            get => new(Interlocked.Read(ref _checkedAt), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _checkedAt, value.UtcTicks);
        }

        public IReadOnlyDictionary<string, string> Parent { get; } = parents;
        public ILookup<string, string> Children { get; } = parents.Where(p => p.Value.Length > 0).ToLookup(p => p.Value, p => p.Key, StringComparer.Ordinal);
        public System.Collections.Concurrent.ConcurrentDictionary<string, ExpandedScope> Expanded { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// The granted regions with everything under and above them, from the current hierarchy. A granted code the
    /// catalogue does not know stays in the sets on its own (it grants nothing else).
    /// </summary>
    public async Task<ExpandedScope> ExpandAsync(IReadOnlyCollection<string> granted, CancellationToken cancellationToken)
    {
        var roots = RegionScope.Normalize(granted);
        var snapshot = await CurrentAsync(cancellationToken);
        return snapshot.Expanded.GetOrAdd(string.Join(",", roots), _ => Expand(snapshot, roots));
    }

    private static ExpandedScope Expand(Snapshot s, IReadOnlyList<string> roots)
    {
        var regions = new HashSet<string>(roots, StringComparer.Ordinal);
        var parents = new List<string>(roots);
        var queue = new Queue<string>(roots);
        while (queue.TryDequeue(out var code))
        {
            foreach (var child in s.Children[code])
            {
                if (!regions.Add(child)) continue;
                if (s.Children.Contains(child)) parents.Add(child);
                queue.Enqueue(child);
            }
        }
        var ancestors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            // Bounded walk: a cycle in bad catalogue data must not hang a request.
            for (var (code, depth) = (root, 0); code.Length > 0 && depth < 32 && ancestors.Add(code); depth++)
                code = s.Parent.TryGetValue(code, out var p) ? p : "";
        }
        parents.Sort(StringComparer.Ordinal);
        return new ExpandedScope(regions, ancestors, parents);
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var current = Volatile.Read(ref _current);
        if (current is not null && now - current.CheckedAt < RecheckInterval) return current;
        await _gate.WaitAsync(ct);
        try
        {
            current = _current;
            if (current is not null && now - current.CheckedAt < RecheckInterval) return current;
            var whole = await catalogue.GetWholeAsync(ct);
            if (current is not null && ReferenceEquals(current.Source, whole))
            {
                current.CheckedAt = now;
                return current;
            }
            var parents = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var r in whole.Regions) parents[r.Code] = r.ParentCode ?? "";
            var next = new Snapshot(whole, now, parents);
            Volatile.Write(ref _current, next);
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }
}
