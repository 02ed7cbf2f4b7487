using System.Globalization;
using Dapper;
using Dashboard.Data.Catalogue;

namespace Dashboard.Reports.Tests;

/// <summary>A small city written straight into ClickHouse: regions, indicators, targets and observations.</summary>
internal sealed class City(ReportsFixture fixture, string code, string name)
{
    public string Code => code;

    public string Region(string suffix) => code + suffix;

    public string Ind(string suffix) => code + "_" + suffix;

    public string Target(string suffix) => code + "-" + suffix;

    public async Task<City> RegionsAsync(params (string Suffix, string Name)[] children)
    {
        await using var c = await fixture.Database.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES (@code, @name, 'City', '', '市', 'test')",
            new { code, name });
        foreach (var (suffix, childName) in children)
            await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES (@code, @name, 'County', @parent, '区', 'test')",
                new { code = Region(suffix), name = childName, parent = code });
        return this;
    }

    public async Task<City> IndicatorAsync(string suffix, string indicatorName, string unit, IndicatorKind kind, Direction direction = Direction.HigherIsBetter)
    {
        await using var c = await fixture.Database.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("""
            INSERT INTO indicators (code, name, name_en, unit, kind, direction, periodicity, numerator_definition, denominator_definition, definition)
            VALUES (@code, @name, @code, @unit, @kind, @direction, 'Month', '', '', 'test')
            """, new { code = Ind(suffix), name = indicatorName, unit, kind = kind.ToString(), direction = direction.ToString() });
        return this;
    }

    public async Task<City> TargetAsync(string suffix, string indicatorSuffix, TargetKind kind, Comparator comparator, decimal value,
        string start, string deadline, string? baseline, string[] units, string? regionCode = null)
    {
        await using var c = await fixture.Database.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("""
            INSERT INTO targets (id, version, region_code, indicator_code, kind, comparator, value, start_date, deadline, baseline_period,
                                 document, clause, responsible_units, author, created_at, change_note)
            VALUES (@id, 1, @region, @indicator, @kind, @comparator, @value, @start, @deadline, @baseline,
                    '测试实施方案.txt', '测试条款', @units, 'test', @now, '')
            """, new
        {
            id = Target(suffix), region = regionCode ?? code, indicator = Ind(indicatorSuffix), kind = kind.ToString(),
            comparator = comparator.ToString().ToLowerInvariant(), value, start = Day(start), deadline = Day(deadline),
            baseline = baseline is null ? (DateOnly?)null : Day(baseline), units, now = new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        });
        return this;
    }

    public Task<City> RatioAsync(string region, string indicator, string period, decimal numerator, decimal denominator, uint revision = 1,
        string loadedAt = "2023-07-01 00:00:00") => ObservationAsync(region, indicator, period, numerator, denominator, null, revision, loadedAt);

    public Task<City> ValueAsync(string region, string indicator, string period, decimal value, uint revision = 1,
        string loadedAt = "2023-07-01 00:00:00") => ObservationAsync(region, indicator, period, null, null, value, revision, loadedAt);

    private async Task<City> ObservationAsync(string region, string indicator, string period, decimal? numerator, decimal? denominator,
        decimal? value, uint revision, string loadedAt)
    {
        await using var c = await fixture.Database.OpenAsync(CancellationToken.None);
        var loaded = DateTime.SpecifyKind(DateTime.ParseExact(loadedAt, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc);
        var row = new { region, indicator = Ind(indicator), period = Day(period), numerator, denominator, value, revision, loaded, run = "run-" + code };
        foreach (var table in new[] { "observations", "observations_raw" })
            await c.ExecuteAsync($"""
                INSERT INTO {table} (region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at)
                VALUES (@region, @indicator, @period, @numerator, @denominator, @value, @revision, 'test', @run, @loaded, @loaded)
                """, row);
        // Ingestion refreshes the per-region sums the engine reads after each write; so does this harness.
        await new Dashboard.Data.Scorecard.ObservationRollup(fixture.Database).RefreshAsync([(region, Ind(indicator), row.period)], CancellationToken.None);
        return this;
    }

    public static DateOnly Day(string text) => text.Length == 7
        ? DateOnly.ParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture)
        : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// The hand-worked city: districts A and B; a ratio target L (≥ 90% by 2023-12-31, baseline January 2023
    /// = 80%) and a city count target K (≥ 1,200 places during 2023).
    /// </summary>
    public static async Task<City> HandWorkedAsync(ReportsFixture fx, string code, string nameA = "甲区", string nameB = "乙区",
        string[]? unitsL = null)
    {
        var city = new City(fx, code, "测试市" + code);
        await city.RegionsAsync(("A", nameA), ("B", nameB));
        await city.IndicatorAsync("R", "随迁子女公办学校就读比例", "%", IndicatorKind.Ratio);
        await city.IndicatorAsync("P", "新增学位数", "个", IndicatorKind.Count);
        await city.TargetAsync("L", "R", TargetKind.Level, Comparator.Ge, 0.90m, "2023-01-01", "2023-12-31", "2023-01-01", unitsL ?? ["市教育局", "各区人民政府"]);
        await city.TargetAsync("K", "P", TargetKind.Cumulative, Comparator.Ge, 1200m, "2023-01-01", "2023-12-31", null, ["市教育局", "市发展改革委"]);
        await city.RatioAsync(city.Region("A"), "R", "2023-01", 80, 100);
        await city.RatioAsync(city.Region("B"), "R", "2023-01", 80, 100);
        await city.RatioAsync(city.Region("A"), "R", "2023-06", 86, 100);
        await city.RatioAsync(city.Region("B"), "R", "2023-06", 82, 100, loadedAt: "2023-07-01 02:00:00");
        foreach (var month in new[] { "01", "02", "03", "04", "05", "06" })
        {
            await city.ValueAsync(city.Region("A"), "P", "2023-" + month, 50);
            await city.ValueAsync(city.Region("B"), "P", "2023-" + month, 20);
        }
        return city;
    }
}
