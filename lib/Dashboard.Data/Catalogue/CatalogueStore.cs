using Dapper;
using Dashboard.Data.Storage;

namespace Dashboard.Data.Catalogue;

/// <summary>Reads the catalogue: regions, indicators and current target versions.</summary>
public sealed class CatalogueStore(ClickHouseDatabase database)
{
    /// <summary>The region and all its descendants, and its ancestors (whose targets may be inherited).</summary>
    public async Task<IReadOnlyList<Region>> GetRegionTreeAsync(string rootCode, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<Region>(new CommandDefinition("""
            SELECT code AS Code, name AS Name, level AS Level, parent_code AS ParentCode
            FROM regions FINAL
            WHERE code IN (SELECT region_code FROM region_closure WHERE ancestor_code = @root)
               OR code IN (SELECT ancestor_code FROM region_closure WHERE region_code = @root)
            ORDER BY code
            """, new { root = rootCode }, cancellationToken: ct));
        return rows.ToList();
    }

    private const string WholeStampSql = """
        SELECT arrayStringConcat(arraySort(groupArray(concat(table, ':', name))), ',')
        FROM system.parts WHERE database = currentDatabase() AND table IN ('regions', 'indicators', 'targets') AND active
        """;

    private volatile WholeCatalogue? _whole;

    /// <summary>
    /// Every region, indicator and current target, read again only when one of their tables changed. Whether they
    /// did is one small query on every call (the names of the tables' active parts change with every insert,
    /// mutation and merge), so the answer is never stale; reading 29,000 regions on each scorecard was most of
    /// the engine's own time at province scale.
    /// </summary>
    public async Task<WholeCatalogue> GetWholeAsync(CancellationToken ct)
    {
        string stamp;
        await using (var c = await database.OpenAsync(ct))
            stamp = await c.ExecuteScalarAsync<string>(new CommandDefinition(WholeStampSql, cancellationToken: ct)) ?? "";
        if (_whole is { } cached && cached.Stamp == stamp) return cached;
        // Read after the stamp: a change in between makes the next call read again, never keeps old rows.
        var regions = GetAllRegionsAsync(ct);
        var indicators = GetIndicatorsAsync(ct);
        var targets = GetAllCurrentTargetsAsync(ct);
        await Task.WhenAll(regions, indicators, targets);
        var whole = new WholeCatalogue(stamp, await regions, await indicators, await targets);
        _whole = whole;
        return whole;
    }

    /// <summary>Every region (the hierarchy is small next to the observations: at province scale some 15,000 rows).</summary>
    public async Task<IReadOnlyList<Region>> GetAllRegionsAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<Region>(new CommandDefinition(
            "SELECT code AS Code, name AS Name, level AS Level, parent_code AS ParentCode FROM regions FINAL", cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>The current version of every target.</summary>
    public async Task<IReadOnlyList<Target>> GetAllCurrentTargetsAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<TargetRow>(new CommandDefinition($"""
            SELECT {TargetRow.Columns}
            FROM targets
            WHERE (id, version) IN (SELECT id, max(version) FROM targets GROUP BY id)
            ORDER BY id
            """, cancellationToken: ct));
        return rows.Select(r => r.ToTarget()).ToList();
    }

    /// <summary>The codes of every region (<paramref name="rootCode"/> null) or of a region and its descendants.</summary>
    public async Task<IReadOnlyList<string>> GetRegionCodesAsync(string? rootCode, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var sql = rootCode is null
            ? "SELECT code FROM regions FINAL"
            : "SELECT region_code FROM region_closure WHERE ancestor_code = @root";
        return (await c.QueryAsync<string>(new CommandDefinition(sql, new { root = rootCode }, cancellationToken: ct))).ToList();
    }

    /// <summary>The codes of the regions without a parent (the provinces): the roots that together cover every region.</summary>
    public async Task<IReadOnlyList<string>> GetTopLevelRegionCodesAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT code FROM regions FINAL WHERE parent_code = '' ORDER BY code", cancellationToken: ct))).ToList();
    }

    /// <summary>The region with code <paramref name="code"/>, or null.</summary>
    public async Task<Region?> FindRegionAsync(string code, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<Region>(new CommandDefinition("""
            SELECT code AS Code, name AS Name, level AS Level, parent_code AS ParentCode FROM regions FINAL WHERE code = @code
            """, new { code }, cancellationToken: ct));
        return rows.FirstOrDefault();
    }

    /// <summary>Every indicator.</summary>
    public async Task<IReadOnlyList<Indicator>> GetIndicatorsAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<IndicatorRow>(new CommandDefinition("""
            SELECT code AS Code, name AS Name, name_en AS NameEn, unit AS Unit, kind AS Kind, direction AS Direction,
                   periodicity AS Periodicity, numerator_definition AS NumeratorDefinition,
                   denominator_definition AS DenominatorDefinition, definition AS Definition
            FROM indicators FINAL ORDER BY code
            """, cancellationToken: ct));
        return rows.Select(r => r.ToIndicator()).ToList();
    }

    /// <summary>The current version of every target set for one of <paramref name="regionCodes"/>.</summary>
    public async Task<IReadOnlyList<Target>> GetCurrentTargetsAsync(IReadOnlyCollection<string> regionCodes, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<TargetRow>(new CommandDefinition($"""
            SELECT {TargetRow.Columns}
            FROM targets
            WHERE (id, version) IN (SELECT id, max(version) FROM targets GROUP BY id)
              AND region_code IN @regions
            ORDER BY id
            """, new { regions = regionCodes }, cancellationToken: ct));
        return rows.Select(r => r.ToTarget()).ToList();
    }

    /// <summary>The current version of every target set for <paramref name="rootCode"/>, its descendants or its ancestors.</summary>
    public async Task<IReadOnlyList<Target>> GetCurrentTargetsForTreeAsync(string rootCode, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<TargetRow>(new CommandDefinition($"""
            SELECT {TargetRow.Columns}
            FROM targets
            WHERE (id, version) IN (SELECT id, max(version) FROM targets GROUP BY id)
              AND (region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code = @root)
                   OR region_code IN (SELECT ancestor_code FROM region_closure WHERE region_code = @root))
            ORDER BY id
            """, new { root = rootCode }, cancellationToken: ct));
        return rows.Select(r => r.ToTarget()).ToList();
    }

    private sealed record IndicatorRow(string Code, string Name, string NameEn, string Unit, string Kind, string Direction, string Periodicity,
        string NumeratorDefinition, string DenominatorDefinition, string Definition)
    {
        public Indicator ToIndicator() => new(Code, Name, NameEn, Unit, Parse<IndicatorKind>(Kind, Code), Parse<Direction>(Direction, Code),
            Parse<Periodicity>(Periodicity, Code), NumeratorDefinition, DenominatorDefinition, Definition);
    }

    internal static T Parse<T>(string value, string owner) where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new InvalidDataException($"{owner}: '{value}' is not a valid {typeof(T).Name}.");
}

/// <summary>The whole catalogue as read at one point (see <see cref="CatalogueStore.GetWholeAsync"/>).</summary>
/// <param name="Stamp">The active parts of the three tables it was read from.</param>
/// <param name="Regions">Every region.</param>
/// <param name="Indicators">Every indicator, by code.</param>
/// <param name="Targets">The current version of every target.</param>
public sealed record WholeCatalogue(string Stamp, IReadOnlyList<Region> Regions, IReadOnlyList<Indicator> Indicators, IReadOnlyList<Target> Targets);
