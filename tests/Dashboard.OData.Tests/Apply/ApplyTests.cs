using Dashboard.OData.Translation;
using Microsoft.OData.Edm;

namespace Dashboard.OData.Tests.Apply;

public class ApplyTests
{
    private const string Scope = "region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scope)";

    private static SqlCondition ScopeCondition() =>
        new(Scope, new Dictionary<string, object?> { ["scope"] = new[] { "320583" } });

    [Fact]
    public void Filter_then_groupby_with_sum_and_count_reads_scoped_filtered_rows()
    {
        var q = Tx.Default.Translate("Observations",
            "Observations?$apply=filter(Value gt 0.5)/groupby((RegionCode),aggregate(Value with sum as Total, $count as N))", ScopeCondition());
        Assert.Equal(
            "SELECT `RegionCode`, `Total`, `N` FROM (SELECT `__g0` AS `RegionCode`, `__a0` AS `Total`, `__a1` AS `N` FROM (" +
            "SELECT `region_code` AS `__g0`, sum(`value`) AS `__a0`, toInt64(count()) AS `__a1` FROM observations FINAL " +
            "WHERE (" + Scope + ") AND (`value` > @p0) GROUP BY `region_code`)) ORDER BY `RegionCode` ASC LIMIT 1001", q.Sql);
        Assert.Null(q.CountSql);
        Assert.Equal(["scope", "p0"], q.Parameters.Keys);
        Assert.Equal(0.5m, q.Parameters["p0"]);
        Assert.Equal(QueryShape.Collection, q.Shape);
        Assert.Equal("Observations(RegionCode,Total,N)", q.ContextFragment);
        Assert.Equal(["RegionCode", "Total", "N"], q.Properties);
        Assert.Equal(
            [
                new OutputColumn("RegionCode", EdmPrimitiveTypeKind.String, false, false),
                new OutputColumn("Total", EdmPrimitiveTypeKind.Decimal, true, false),
                new OutputColumn("N", EdmPrimitiveTypeKind.Int64, false, false),
            ],
            q.Columns);
    }

    [Fact]
    public void Every_aggregation_method_has_its_sql_and_type()
    {
        var q = Tx.Obs("?$apply=groupby((RegionCode,Period),aggregate(Value with min as Lo, Value with max as Hi, Value with average as Avg, " +
                       "Revision with average as AvgRev, Revision with sum as SumRev, IndicatorCode with countdistinct as Indicators, Value with countdistinct as Values))");
        Assert.Equal(
            "SELECT `RegionCode`, `Period`, `Lo`, `Hi`, `Avg`, `AvgRev`, `SumRev`, `Indicators`, `Values` FROM (" +
            "SELECT `__g0` AS `RegionCode`, `__g1` AS `Period`, `__a0` AS `Lo`, `__a1` AS `Hi`, `__a2` AS `Avg`, `__a3` AS `AvgRev`, " +
            "`__a4` AS `SumRev`, `__a5` AS `Indicators`, `__a6` AS `Values` FROM (" +
            "SELECT `region_code` AS `__g0`, `period` AS `__g1`, min(`value`) AS `__a0`, max(`value`) AS `__a1`, " +
            "(toDecimal128(sum(`value`), 8) / greatest(count(`value`), 1)) AS `__a2`, avg(`revision`) AS `__a3`, toInt64(sum(`revision`)) AS `__a4`, " +
            "toInt64(uniqExact(`indicator_code`)) AS `__a5`, toInt64(ifNull(uniqExact(`value`), 0)) AS `__a6` " +
            "FROM observations FINAL GROUP BY `region_code`, `period`)) ORDER BY `RegionCode` ASC, `Period` ASC LIMIT 1001", q.Sql);
        Assert.Equal(
            [
                new OutputColumn("RegionCode", EdmPrimitiveTypeKind.String, false, false),
                new OutputColumn("Period", EdmPrimitiveTypeKind.Date, false, false),
                new OutputColumn("Lo", EdmPrimitiveTypeKind.Decimal, true, false),
                new OutputColumn("Hi", EdmPrimitiveTypeKind.Decimal, true, false),
                new OutputColumn("Avg", EdmPrimitiveTypeKind.Decimal, true, false),
                new OutputColumn("AvgRev", EdmPrimitiveTypeKind.Double, false, false),
                new OutputColumn("SumRev", EdmPrimitiveTypeKind.Int64, false, false),
                new OutputColumn("Indicators", EdmPrimitiveTypeKind.Int64, false, false),
                new OutputColumn("Values", EdmPrimitiveTypeKind.Int64, false, false),
            ],
            q.Columns);
    }

    [Fact]
    public void Aggregate_without_groupby_is_one_row_and_null_over_no_rows()
    {
        var q = Tx.Default.Translate("Targets", "Targets?$apply=aggregate(Value with sum as Total, Deadline with max as Latest, $count as N)");
        Assert.Equal(
            "SELECT `Total`, `Latest`, `N` FROM (SELECT `__a0` AS `Total`, `__a1` AS `Latest`, `__a2` AS `N` FROM (" +
            "SELECT if(count() = 0, NULL, sum(`value`)) AS `__a0`, if(count() = 0, NULL, max(`deadline`)) AS `__a1`, toInt64(count()) AS `__a2` " +
            "FROM (SELECT * FROM targets ORDER BY id, version DESC LIMIT 1 BY id))) LIMIT 1001", q.Sql);
        Assert.Equal("Targets(Total,Latest,N)", q.ContextFragment);
        Assert.True(q.Columns[0].Nullable);
        Assert.True(q.Columns[1].Nullable);
        Assert.False(q.Columns[2].Nullable);
    }

    [Fact]
    public void Groupby_without_aggregate_lists_distinct_values()
    {
        var q = Tx.Obs("?$apply=groupby((IndicatorCode))");
        Assert.Equal(
            "SELECT `IndicatorCode` FROM (SELECT `__g0` AS `IndicatorCode` FROM (SELECT `indicator_code` AS `__g0` FROM observations FINAL " +
            "GROUP BY `indicator_code`)) ORDER BY `IndicatorCode` ASC LIMIT 1001", q.Sql);
    }

    [Fact]
    public void Filter_orderby_top_skip_and_count_apply_to_the_aggregated_rows()
    {
        var q = Tx.Default.Translate("Observations",
            "Observations?$apply=groupby((RegionCode),aggregate(Value with sum as Total))&$filter=Total gt 1.5&$orderby=Total desc&$top=5&$skip=10&$count=true",
            ScopeCondition());
        const string inner = "(SELECT `__g0` AS `RegionCode`, `__a0` AS `Total` FROM (SELECT `region_code` AS `__g0`, sum(`value`) AS `__a0` " +
                             "FROM observations FINAL WHERE (" + Scope + ") GROUP BY `region_code`))";
        Assert.Equal("SELECT `RegionCode`, `Total` FROM " + inner + " WHERE (`Total` > @p0) ORDER BY `Total` DESC, `RegionCode` ASC LIMIT 6 OFFSET 10", q.Sql);
        Assert.Equal("SELECT count() AS `Count` FROM " + inner + " WHERE (`Total` > @p0)", q.CountSql);
        // The literal takes the alias's type (Decimal), not the parser's Edm.Single: 18.16 cannot compare Decimal with Float64.
        Assert.Equal(1.5m, q.Parameters["p0"]);
        Assert.Equal(5, q.PageSize);
        Assert.Equal(10, q.Skip);
    }

    [Fact]
    public void Count_alias_compares_as_an_integer()
    {
        var q = Tx.Obs("?$apply=groupby((RegionCode),aggregate($count as N))&$filter=N ge 3");
        Assert.EndsWith(" WHERE (`N` >= @p0) ORDER BY `RegionCode` ASC LIMIT 1001", q.Sql, StringComparison.Ordinal);
        Assert.Equal(3L, q.Parameters["p0"]);
    }

    [Fact]
    public void Filter_after_groupby_and_a_second_aggregation_nest()
    {
        var q = Tx.Obs("?$apply=groupby((RegionCode),aggregate(Value with sum as Total))/filter(Total gt 3)/aggregate(Total with max as Best, $count as Regions)");
        Assert.Equal(
            "SELECT `Best`, `Regions` FROM (SELECT `__a0` AS `Best`, `__a1` AS `Regions` FROM (SELECT max(`Total`) AS `__a0`, toInt64(count()) AS `__a1` " +
            "FROM (SELECT `__g0` AS `RegionCode`, `__a0` AS `Total` FROM (SELECT `region_code` AS `__g0`, sum(`value`) AS `__a0` FROM observations FINAL " +
            "GROUP BY `region_code`)) WHERE (`Total` > @p0))) LIMIT 1001", q.Sql);
        Assert.Equal(3m, q.Parameters["p0"]);
        Assert.Equal(new OutputColumn("Best", EdmPrimitiveTypeKind.Decimal, true, false), q.Columns[0]);
    }

    [Fact]
    public void Select_after_apply_projects_the_aggregated_columns()
    {
        var q = Tx.Obs("?$apply=groupby((RegionCode),aggregate(Value with sum as Total))&$select=Total");
        Assert.StartsWith("SELECT `Total` FROM (SELECT `__g0` AS `RegionCode`, `__a0` AS `Total` FROM ", q.Sql, StringComparison.Ordinal);
        Assert.EndsWith(" ORDER BY `RegionCode` ASC LIMIT 1001", q.Sql, StringComparison.Ordinal);
        Assert.Equal("Observations(Total)", q.ContextFragment);
        Assert.Equal(["Total"], q.Properties);
    }

    [Fact]
    public void Filter_only_apply_is_a_filtered_collection_of_entities()
    {
        var q = Tx.Obs("?$apply=filter(Value gt 1)&$filter=RegionCode eq 'a'");
        Assert.Equal(Tx.ObsColumns + " WHERE (`value` > @p0) AND (`region_code` = @p1) ORDER BY " + Tx.ObsKeyOrder + " LIMIT 1001", q.Sql);
        Assert.Equal("Observations", q.ContextFragment);
    }

    [Fact]
    public void Aggregating_an_expression_binds_its_constants()
    {
        var q = Tx.Obs("?$apply=aggregate(Value mul 100 with sum as Pct)");
        Assert.Contains("SELECT sum((`value` * @p0)) AS `__a0` FROM observations FINAL", q.Sql, StringComparison.Ordinal);
        Assert.Equal(100m, q.Parameters["p0"]);
    }

    [Fact]
    public void Property_not_in_the_grouped_result_is_refused_by_name()
    {
        var ex = Tx.Fails("Observations", "?$apply=groupby((RegionCode),aggregate(Value with sum as Total))&$filter=Value gt 1");
        Assert.Contains("'Value'", ex.Message, StringComparison.Ordinal);
        ex = Tx.Fails("Observations", "?$apply=groupby((RegionCode))&$orderby=Period");
        Assert.Contains("'Period'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?$apply=compute(Value mul 2 as V2)", "compute")]
    [InlineData("?$apply=topcount(2,Value)", "topcount")]
    [InlineData("?$apply=filter(Value gt 1)/bottomsum(2,Value)", "bottomsum")]
    [InlineData("?$apply=identity", "identity")]
    [InlineData("?$apply=groupby(rollup(RegionCode,Period))", "rollup")]
    [InlineData("?$apply=groupby((RegionCode),aggregate(Value with custom.median as M))", "custom.median")]
    public void Unsupported_transformations_are_named(string query, string name)
    {
        var ex = Tx.Fails("Observations", query);
        Assert.Equal(ODataErrorCodes.NotSupported, ex.Code);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?$apply=groupby((ResponsibleUnits))")]
    [InlineData("?$apply=aggregate(ResponsibleUnits with max as X)")]
    [InlineData("?$apply=groupby((Id),aggregate(ResponsibleUnits with countdistinct as X))")]
    public void Collection_properties_cannot_be_grouped_or_aggregated(string query)
    {
        var ex = Tx.Fails("Targets", query);
        Assert.Equal("The collection property 'ResponsibleUnits' cannot be grouped, filtered or aggregated in $apply.", ex.Message);
    }

    [Theory]
    [InlineData("?$apply=aggregate(Period with sum as X)", "sum needs a numeric property or expression, not Date.")]
    [InlineData("?$apply=groupby((RegionCode),aggregate(Value with sum as RegionCode))", "The name 'RegionCode' is used twice in $apply (aliases and grouping properties must differ, ignoring case).")]
    [InlineData("?$apply=aggregate(Value with sum as X, Value with max as x)", "The name 'x' is used twice in $apply (aliases and grouping properties must differ, ignoring case).")]
    [InlineData("?$apply=aggregate(Value with sum as __a0)", "The aggregate alias '__a0' is reserved: aliases must not start with '__'.")]
    public void Invalid_aggregations_are_400s_with_a_reason(string query, string message)
    {
        var ex = Tx.Fails("Observations", query);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Parser_refusals_are_wrapped_as_400s()
    {
        var ex = Tx.Fails("Observations", "?$apply=aggregate(RegionCode with average as X)");
        Assert.StartsWith("Invalid $apply:", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ODataErrorCodes.InvalidQuery, ex.Code);
    }

    [Fact]
    public void Apply_is_not_for_a_single_entity()
    {
        var ex = Assert.Throws<ODataTranslationException>(() => Tx.Default.Translate("Regions", "Regions('a')?$apply=groupby((Level))"));
        Assert.Equal(ODataErrorCodes.NotSupported, ex.Code);
    }

    [Fact]
    public void Apply_nodes_share_one_limit()
    {
        var t = new ODataSqlTranslator(new ODataTranslatorOptions { MaxFilterNodes = 10 });
        // 1 transformation + 2 grouping properties + 2 aggregates + 2 property reads = 7 nodes.
        t.Translate("Observations", "Observations?$apply=groupby((RegionCode,Period),aggregate(Value with sum as S, Value with max as M))");
        var ex = Assert.Throws<ODataTranslationException>(() => t.Translate("Observations",
            "Observations?$apply=groupby((RegionCode,Period,IndicatorCode,SourceId),aggregate(Value with sum as S, Value with max as M, Value with min as N))"));
        Assert.Equal(ODataErrorCodes.LimitExceeded, ex.Code);
        Assert.StartsWith("The $apply has more than 10 nodes", ex.Message, StringComparison.Ordinal);
    }
}
