using System.Globalization;
using Dashboard.OData.Translation;

namespace Dashboard.OData.Tests.Execution;

/// <summary>
/// Runs translated $apply, key and /$count queries on the real ClickHouse and compares each answer with the
/// same computation done in C# over the rows the fixture wrote.
/// </summary>
[Collection(ExecutionTests.Name)]
public class TranslatedQueryExecutionTests(ExecutionFixture fx)
{
    private static readonly SqlCondition ObsScope =
        new("region_code IN @scope", new Dictionary<string, object?> { ["scope"] = ExecutionFixture.InScope });

    private IEnumerable<ObsRow> Scoped => fx.Observations.Where(o => ExecutionFixture.InScope.Contains(o.Region));

    private static TranslatedQuery Obs(string query) => Tx.Default.Translate("Observations", "Observations" + query, ObsScope);

    /// <summary>ClickHouse's decimal division truncates at the result's scale (8 here).</summary>
    private static decimal Truncate8(decimal d) => decimal.Truncate(d * 100_000_000m) / 100_000_000m;

    private static decimal? Dec(object? v) => v is null ? null : Convert.ToDecimal(v, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Groupby_with_every_aggregate_matches_a_computation_over_in_scope_rows()
    {
        var q = Obs("?$apply=filter(Value gt 0.5)/groupby((RegionCode),aggregate(Value with sum as Total, Value with min as Lo, Value with max as Hi, " +
                    "Value with average as Avg, Value with countdistinct as Distinct, $count as N, Revision with sum as Revs))");
        var (names, rows) = await fx.QueryAsync(q, q.Sql);
        Assert.Equal(q.Properties, names);

        var expected = Scoped.Where(o => o.Value > 0.5m).GroupBy(o => o.Region).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new object?[]
        {
            g.Key, g.Sum(o => o.Value), g.Min(o => o.Value), g.Max(o => o.Value), Truncate8(g.Sum(o => o.Value!.Value) / g.Count()),
            (long)g.Select(o => o.Value).Distinct().Count(), (long)g.Count(), (long)g.Sum(o => o.Revision),
        }).ToList();
        Assert.Equal(3, expected.Count);
        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(expected[i][0], rows[i][0]);
            for (var j = 1; j <= 4; j++) Assert.Equal((decimal)expected[i][j]!, Convert.ToDecimal(rows[i][j], CultureInfo.InvariantCulture));
            for (var j = 5; j <= 7; j++) Assert.Equal(expected[i][j], Convert.ToInt64(rows[i][j], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Nulls_are_skipped_and_an_all_null_group_gives_null()
    {
        var q = Obs("?$apply=groupby((RegionCode,Period),aggregate(Value with sum as Total, Value with average as Avg, Value with countdistinct as D, $count as N))" +
                    "&$filter=RegionCode eq 'R1'");
        var (_, rows) = await fx.QueryAsync(q, q.Sql);
        var expected = Scoped.Where(o => o.Region == "R1").GroupBy(o => o.Period).OrderBy(g => g.Key).ToList();
        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var values = expected[i].Where(o => o.Value is not null).Select(o => o.Value!.Value).ToList();
            Assert.Equal(expected[i].Key.ToDateTime(TimeOnly.MinValue), rows[i][1]);
            Assert.Equal(values.Count == 0 ? (decimal?)null : values.Sum(), Dec(rows[i][2]));
            Assert.Equal(values.Count == 0 ? (decimal?)null : Truncate8(values.Sum() / values.Count), Dec(rows[i][3]));
            Assert.Equal((long)values.Distinct().Count(), Convert.ToInt64(rows[i][4], CultureInfo.InvariantCulture));
            Assert.Equal((long)expected[i].Count(), Convert.ToInt64(rows[i][5], CultureInfo.InvariantCulture));
        }
        Assert.Contains(rows, r => r[2] is null);
    }

    [Fact]
    public async Task Filter_orderby_top_and_count_apply_to_the_aggregated_rows()
    {
        var q = Obs("?$apply=groupby((RegionCode,IndicatorCode),aggregate(Value with sum as Total))&$filter=Total gt 5&$orderby=Total desc&$top=2&$count=true");
        var all = Scoped.GroupBy(o => (o.Region, o.Indicator))
            .Select(g => (g.Key.Region, g.Key.Indicator, Total: g.Sum(o => o.Value) ?? 0m))
            .Where(x => x.Total > 5m)
            .OrderByDescending(x => x.Total).ThenBy(x => x.Region, StringComparer.Ordinal).ThenBy(x => x.Indicator, StringComparer.Ordinal)
            .ToList();
        var (_, rows) = await fx.QueryAsync(q, q.Sql);
        Assert.Equal(all.Take(2).Select(x => (x.Region, x.Indicator, x.Total)),
            rows.Take(q.PageSize).Select(r => ((string)r[0]!, (string)r[1]!, Convert.ToDecimal(r[2], CultureInfo.InvariantCulture))));
        var (_, count) = await fx.QueryAsync(q, q.CountSql!);
        Assert.Equal((long)all.Count, Convert.ToInt64(count[0][0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Aggregate_over_no_rows_is_one_row_of_nulls_and_zero()
    {
        var q = Obs("?$apply=filter(RegionCode eq 'R4')/aggregate(Value with sum as Total, Revision with max as MaxRev, Period with min as First, $count as N)");
        var (_, rows) = await fx.QueryAsync(q, q.Sql);
        // R4 exists but is outside the scope: the scope applies before the aggregation.
        var row = Assert.Single(rows);
        Assert.Equal(new object?[] { null, null, null, 0L }, row.Select(v => v is null ? null : v is ulong or long or int ? (object)Convert.ToInt64(v, CultureInfo.InvariantCulture) : v));
    }

    [Fact]
    public async Task Aggregating_the_whole_set_never_counts_rows_outside_the_scope()
    {
        var q = Obs("?$apply=aggregate($count as N, Value with sum as Total, RegionCode with countdistinct as Regions)");
        var (_, rows) = await fx.QueryAsync(q, q.Sql);
        var row = Assert.Single(rows);
        Assert.Equal((long)Scoped.Count(), Convert.ToInt64(row[0], CultureInfo.InvariantCulture));
        Assert.Equal(Scoped.Sum(o => o.Value), Convert.ToDecimal(row[1], CultureInfo.InvariantCulture));
        Assert.Equal(3L, Convert.ToInt64(row[2], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Second_aggregation_over_groups()
    {
        var q = Obs("?$apply=groupby((RegionCode),aggregate(Value with sum as Total))/filter(Total gt 1)/aggregate(Total with max as Best, $count as Regions)");
        var totals = Scoped.GroupBy(o => o.Region).Select(g => g.Sum(o => o.Value)).Where(t => t > 1m).ToList();
        var (_, rows) = await fx.QueryAsync(q, q.Sql);
        var row = Assert.Single(rows);
        Assert.Equal(totals.Max(), Convert.ToDecimal(row[0], CultureInfo.InvariantCulture));
        Assert.Equal((long)totals.Count, Convert.ToInt64(row[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Key_lookup_reads_the_current_revision_and_respects_the_scope()
    {
        var q = Obs("(RegionCode='R2',IndicatorCode='I1',Period=2023-02-01)?$select=Value,Revision");
        var (names, rows) = await fx.QueryAsync(q, q.Sql);
        Assert.Equal(["Value", "Revision"], names);
        var expected = fx.Observations.Single(o => o.Region == "R2" && o.Indicator == "I1" && o.Period == new DateOnly(2023, 2, 1));
        var row = Assert.Single(rows);
        Assert.Equal(expected.Value, Dec(row[0]));
        Assert.Equal(2L, Convert.ToInt64(row[1], CultureInfo.InvariantCulture));

        var outside = Obs("(RegionCode='R4',IndicatorCode='I1',Period=2023-02-01)");
        Assert.Empty((await fx.QueryAsync(outside, outside.Sql)).Rows);

        var region = Tx.Default.Translate("Regions", "Regions('R3')");
        Assert.Equal("Region R3", (await fx.QueryAsync(region, region.Sql)).Rows.Single()[1]);
    }

    [Fact]
    public async Task Count_segment_counts_in_scope_rows_that_match()
    {
        var q = Obs("/$count?$filter=Value ge 1 and IndicatorCode eq 'I2'");
        var (names, rows) = await fx.QueryAsync(q, q.Sql);
        Assert.Equal(["Count"], names);
        Assert.Equal((long)Scoped.Count(o => o.Value >= 1m && o.Indicator == "I2"), Convert.ToInt64(Assert.Single(rows)[0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Hostile_literal_in_apply_runs_as_a_plain_value()
    {
        var q = Obs("?$apply=" + Uri.EscapeDataString("filter(RegionCode eq 'R1'' OR 1=1 --')/aggregate($count as N)"));
        var (_, rows) = await fx.QueryAsync(q, q.Sql);
        Assert.Equal(0L, Convert.ToInt64(Assert.Single(rows)[0], CultureInfo.InvariantCulture));
    }
}
