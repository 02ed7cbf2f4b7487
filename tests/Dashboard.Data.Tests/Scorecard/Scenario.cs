using System.Globalization;
using Dapper;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;

namespace Dashboard.Data.Tests.Scorecard;

/// <summary>
/// One hand-worked case: a city (code = the case id) with sub-regions, indicators and targets under
/// codes prefixed with the case id, and observations written straight into ClickHouse.
/// </summary>
internal sealed class Scenario(DataFixture fixture, string id)
{
    public string City => id;

    public string Region(string suffix) => id + suffix;

    public string Ind(string suffix) => id + "_" + suffix;

    /// <summary>The city and its sub-regions, given as (suffix, parent suffix or "" for the city).</summary>
    public async Task<Scenario> RegionsAsync(params (string Suffix, string ParentSuffix)[] children)
    {
        await RegionsAsync("County", children);
        return this;
    }

    /// <summary>Sub-regions of a given level under regions of this case (the city must exist, see the other overload).</summary>
    public async Task<Scenario> SubRegionsAsync(string level, params (string Suffix, string ParentSuffix)[] children)
    {
        await using var c = await fixture.Database.OpenAsync(CancellationToken.None);
        foreach (var (suffix, parent) in children)
            await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES (@code, @name, @level, @parent, '', 'test')",
                new { code = Region(suffix), name = "测试" + suffix, level, parent = Region(parent) });
        return this;
    }

    private async Task RegionsAsync(string level, (string Suffix, string ParentSuffix)[] children)
    {
        await using var c = await fixture.Database.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES (@code, @name, 'City', '', '市', 'test')",
            new { code = City, name = "测试市" + id });
        foreach (var (suffix, parent) in children)
            await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES (@code, @name, @level, @parent, '区', 'test')",
                new { code = Region(suffix), name = "测试区" + suffix, level, parent = parent.Length == 0 ? City : Region(parent) });
    }

    public async Task<Scenario> IndicatorAsync(string suffix, IndicatorKind kind, Direction direction, Periodicity periodicity)
    {
        await using var c = await fixture.Database.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("""
            INSERT INTO indicators (code, name, name_en, unit, kind, direction, periodicity, numerator_definition, denominator_definition, definition)
            VALUES (@code, @code, @code, '', @kind, @direction, @periodicity, '', '', 'test')
            """, new { code = Ind(suffix), kind = kind.ToString(), direction = direction.ToString(), periodicity = periodicity.ToString() });
        return this;
    }

    public async Task<Scenario> TargetAsync(string targetId, string regionCode, string indicatorSuffix, TargetKind kind, Comparator comparator,
        decimal value, string start, string deadline, string? baselinePeriod = null, uint version = 1)
    {
        await using var c = await fixture.Database.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("""
            INSERT INTO targets (id, version, region_code, indicator_code, kind, comparator, value, start_date, deadline, baseline_period,
                                 document, clause, responsible_units, author, created_at, change_note)
            VALUES (@id, @version, @region, @indicator, @kind, @comparator, @value, @start, @deadline, @baseline,
                    'test.txt', '测试条款', ['市教育局'], 'test', @now, '')
            """, new
        {
            id = id + "-" + targetId, version, region = regionCode, indicator = Ind(indicatorSuffix), kind = kind.ToString(),
            comparator = comparator.ToString().ToLowerInvariant(), value, start = Day(start), deadline = Day(deadline),
            baseline = baselinePeriod is null ? (DateOnly?)null : Day(baselinePeriod), now = DateTime.UtcNow,
        });
        return this;
    }

    /// <summary>A ratio observation; <paramref name="period"/> is "yyyy-MM" or "yyyy".</summary>
    public Task<Scenario> RatioAsync(string regionCode, string indicatorSuffix, string period, decimal numerator, decimal denominator,
        uint revision = 1, string loadedAt = "2026-01-01 00:00:00") =>
        ObservationAsync(regionCode, indicatorSuffix, period, numerator, denominator, null, revision, loadedAt);

    /// <summary>A count, amount or max observation.</summary>
    public Task<Scenario> ValueAsync(string regionCode, string indicatorSuffix, string period, decimal value,
        uint revision = 1, string loadedAt = "2026-01-01 00:00:00") =>
        ObservationAsync(regionCode, indicatorSuffix, period, null, null, value, revision, loadedAt);

    private async Task<Scenario> ObservationAsync(string regionCode, string indicatorSuffix, string period, decimal? numerator, decimal? denominator,
        decimal? value, uint revision, string loadedAt)
    {
        await using var c = await fixture.Database.OpenAsync(CancellationToken.None);
        var loaded = DateTime.SpecifyKind(DateTime.ParseExact(loadedAt, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc);
        var row = new
        {
            region = regionCode, indicator = Ind(indicatorSuffix), period = Day(period), numerator, denominator, value, revision,
            loaded, source = "test", run = "run-" + id,
        };
        // Current table and raw history, as the pull jobs write them.
        foreach (var table in new[] { "observations", "observations_raw" })
            await c.ExecuteAsync($"""
                INSERT INTO {table} (region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at)
                VALUES (@region, @indicator, @period, @numerator, @denominator, @value, @revision, @source, @run, @loaded, @loaded)
                """, row);
        // Ingestion refreshes the per-region sums the engine reads after each write; so does this harness.
        await new Dashboard.Data.Scorecard.ObservationRollup(fixture.Database).RefreshAsync([(regionCode, Ind(indicatorSuffix), row.period)], CancellationToken.None);
        return this;
    }

    public async Task OverrideAsync(string regionCode, string targetId, ScorecardStatus status, string reason, string validFrom) =>
        await new OverrideStore(fixture.Database).AddAsync(regionCode, id + "-" + targetId, status, reason, "inspector-" + id, Day(validFrom), CancellationToken.None);

    public Task<Dashboard.Data.Scorecard.Scorecard> EvaluateAsync(string asOf, ScorecardOptions? options = null) =>
        fixture.Engine(options).EvaluateAsync(City, Day(asOf), CancellationToken.None);

    public ScorecardRow Row(Dashboard.Data.Scorecard.Scorecard card, string regionCode, string targetId) =>
        card.Rows.Single(r => r.RegionCode == regionCode && r.TargetId == id + "-" + targetId);

    public string TargetId(string suffix) => id + "-" + suffix;

    public static DateOnly Day(string text) => text.Length switch
    {
        4 => new DateOnly(int.Parse(text, CultureInfo.InvariantCulture), 1, 1),
        7 => DateOnly.ParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}
