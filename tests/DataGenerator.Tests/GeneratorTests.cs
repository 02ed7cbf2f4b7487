using System.Globalization;
using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Testing;
using DataGenerator;

namespace DataGenerator.Tests;

/// <summary>The generator at a tiny scale against the real ClickHouse: determinism and the simulator's shape.</summary>
public sealed class GeneratorTests
{
    // 1 province, 60 schools (6 towns, 1 county, 1 city), 40 indicators, 2019-01..2020-06: 43,200 current rows.
    private static GeneratorOptions Tiny(long seed = 7) => new(1, 60, seed, new DateOnly(2020, 6, 1));

    private static string Checksum(IEnumerable<ObservationRow> rows)
    {
        // Order-sensitive FNV over every field, so a changed value, row or order shows.
        var h = 14695981039346656037UL;
        foreach (var r in rows)
        {
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                         $"{r.Region}|{r.Indicator}|{r.Period:yyyy-MM-dd}|{r.Numerator}|{r.Denominator}|{r.Value}|{r.Revision}|{r.SourceId}|{r.RunId}|{r.UpdatedAt:O}|{r.LoadedAt:O}\n")))
            {
                h = (h ^ b) * 1099511628211UL;
            }
        }
        return h.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static string SampleChecksum(GeneratorOptions options)
    {
        var source = new ObservationSource(new Dataset(options));
        return Checksum(source.Items().SelectMany(source.Rows));
    }

    [Fact]
    public void Same_seed_gives_the_same_rows_and_another_seed_other_rows()
    {
        var first = SampleChecksum(Tiny());
        Assert.Equal(first, SampleChecksum(Tiny()));
        Assert.NotEqual(first, SampleChecksum(Tiny(seed: 8)));
    }

    [Fact]
    public void Full_scale_defaults_give_at_least_100_million_observations_under_the_intended_hierarchy()
    {
        var data = new Dataset(new GeneratorOptions(2, 13_300, 1, new DateOnly(2026, 10, 1)));
        Assert.Equal(94, data.Options.Months);
        Assert.True(new ObservationSource(data).CurrentRows >= 100_000_000);
        Assert.Equal(26_600, data.Schools.Count);
        Assert.Equal(200, data.Counties.Count);
        Assert.Equal(26, data.CityCodes.Count);
        Assert.Equal(2_600, data.Regions.Count(r => r.Level == "Town"));
        // Codes cannot meet the seeded real regions (32…, 33…, 999…) and follow docs/regions.md's lengths.
        Assert.All(data.Regions, r => Assert.True(r.Code[0] == '9' && r.Code[1] != '9'));
        Assert.All(data.Regions.Where(r => r.Level == "Town"), r => Assert.Equal(9, r.Code.Length));
        Assert.All(data.Regions.Where(r => r.Level == "School"), r => Assert.Equal(12, r.Code.Length));
    }

    [Fact]
    public async Task Generated_twice_into_ClickHouse_the_tables_agree_and_have_the_simulators_shape()
    {
        await using var a = await TestDatabase.CreateAsync("gen_a", Schema.Full);
        await using var b = await TestDatabase.CreateAsync("gen_b", Schema.Full);
        var first = await new Generator(a.ConnectionString, new Dataset(Tiny()), streams: 2, _ => { }).RunAsync(CancellationToken.None);
        var second = await new Generator(b.ConnectionString, new Dataset(Tiny()), streams: 1, _ => { }).RunAsync(CancellationToken.None);
        Assert.Equal(60L * 40 * 18, first.Rows);
        Assert.Equal(first.Rows, second.Rows);

        const string digest = """
            SELECT count(), sum(cityHash64(region_code, indicator_code, period, toString(numerator), toString(denominator), toString(value), revision, source_id, run_id, updated_at, loaded_at))
            FROM {0}
            """;
        await using var ca = new ClickHouseConnection(a.ConnectionString);
        await using var cb = new ClickHouseConnection(b.ConnectionString);
        foreach (var table in new[] { "observations", "observations_raw" })
        {
            var da = await ca.QuerySingleAsync<(ulong, ulong)>(string.Format(CultureInfo.InvariantCulture, digest, table));
            var db = await cb.QuerySingleAsync<(ulong, ulong)>(string.Format(CultureInfo.InvariantCulture, digest, table));
            Assert.Equal(da, db); // two streams or one, the same rows
        }

        var shape = await ca.QuerySingleAsync<(ulong Rows, ulong Restated, ulong Raw, ulong BadRatio, ulong NotSchool, ulong WrongCounty, ulong Negative)>("""
            SELECT count(),
                   countIf(o.revision = 2),
                   (SELECT count() FROM observations_raw),
                   countIf(o.numerator IS NOT NULL AND (o.numerator < 0 OR o.numerator > o.denominator OR o.denominator <= 0)),
                   countIf(s.level != 'School'),
                   countIf(s.parent_code != substring(o.region_code, 1, 6) OR o.source_id != concat(s.parent_code, '-gen')),
                   countIf(o.value IS NOT NULL AND o.value < 0)
            FROM observations AS o
            ALL LEFT JOIN
            (
                -- 18.16 allows one JOIN per SELECT: each school with its town's parent (the county) in a subquery.
                SELECT region_code, level, parent_code
                FROM (SELECT code AS region_code, level, parent_code AS town FROM regions FINAL)
                ALL LEFT JOIN (SELECT code AS town, parent_code FROM regions FINAL) USING town
            ) AS s USING region_code
            """);
        Assert.Equal(first.Rows, (long)shape.Rows);
        var share = (double)shape.Restated / shape.Rows;
        Assert.InRange(share, 0.015, 0.025);
        Assert.Equal(2 * shape.Restated, shape.Raw); // both revisions of every restated key, nothing else
        Assert.Equal(0UL, shape.BadRatio);
        Assert.Equal(0UL, shape.NotSchool);
        Assert.Equal(0UL, shape.WrongCounty);
        Assert.Equal(0UL, shape.Negative);

        // Revision 1 of a restated ratio carries the preliminary numbers, revision 2 the current ones.
        var current = await ca.QuerySingleAsync<ulong>(
            "SELECT count() FROM observations_raw AS r ALL INNER JOIN (SELECT region_code, indicator_code, period, numerator AS n2, value AS v2 FROM observations WHERE revision = 2) AS o USING region_code, indicator_code, period WHERE r.revision = 2 AND (ifNull(toString(r.numerator), 'N') != ifNull(toString(o.n2), 'N') OR ifNull(toString(r.value), 'N') != ifNull(toString(o.v2), 'N'))");
        Assert.Equal(0UL, current);
        Assert.True(await ca.QuerySingleAsync<ulong>("SELECT count() FROM observation_rollup") > 0);
        Assert.Equal(40UL, await ca.QuerySingleAsync<ulong>("SELECT count() FROM indicators WHERE code LIKE 'GEN_%'"));
    }
}
