using Dashboard.OData.Translation;
using Microsoft.OData.Edm;

namespace Dashboard.OData.Tests.CountSegment;

public class CountSegmentTests
{
    private const string Scope = "region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scope)";

    [Fact]
    public void Count_segment_is_one_count_statement_with_scope_first()
    {
        var scope = new SqlCondition(Scope, new Dictionary<string, object?> { ["scope"] = new[] { "320583" } });
        var q = Tx.Default.Translate("Observations", "Observations/$count?$filter=Value gt 1 and IndicatorCode eq 'X'", scope);
        Assert.Equal("SELECT count() AS `Count` FROM observations FINAL WHERE (" + Scope + ") AND ((`value` > @p0) AND (`indicator_code` = @p1))", q.Sql);
        Assert.Null(q.CountSql);
        Assert.Equal(QueryShape.Count, q.Shape);
        Assert.Equal([new OutputColumn("Count", EdmPrimitiveTypeKind.Int64, false, false)], q.Columns);
        Assert.Equal(["Count"], q.Properties);
        Assert.Equal("", q.ContextFragment);
        Assert.False(q.HasNextPage(1));
    }

    [Fact]
    public void Count_segment_without_options()
    {
        var q = Tx.Default.Translate("Regions", "Regions/$count");
        Assert.Equal("SELECT count() AS `Count` FROM regions FINAL", q.Sql);
        Assert.Empty(q.Parameters);
    }

    [Fact]
    public void Count_segment_counts_the_groups_of_an_apply()
    {
        var q = Tx.Default.Translate("Observations", "Observations/$count?$apply=groupby((RegionCode))");
        Assert.Equal("SELECT count() AS `Count` FROM (SELECT `__g0` AS `RegionCode` FROM (SELECT `region_code` AS `__g0` FROM observations FINAL " +
                     "GROUP BY `region_code`))", q.Sql);
    }

    [Theory]
    [InlineData("?$top=1")]
    [InlineData("?$skip=1")]
    [InlineData("?$orderby=Name")]
    [InlineData("?$select=Name")]
    [InlineData("?$count=true")]
    public void Count_segment_refuses_paging_and_shaping_options(string query)
    {
        var ex = Assert.Throws<ODataTranslationException>(() => Tx.Default.Translate("Regions", "Regions/$count" + query));
        Assert.Equal(ODataErrorCodes.NotSupported, ex.Code);
    }

    [Fact]
    public void Count_segment_filter_values_are_parameters()
    {
        var q = Tx.Default.Translate("Regions", "Regions/$count?$filter=" + Uri.EscapeDataString("Name eq 'a'' OR 1=1 --'"));
        Assert.Equal("SELECT count() AS `Count` FROM regions FINAL WHERE (`name` = @p0)", q.Sql);
        Assert.Equal("a' OR 1=1 --", q.Parameters["p0"]);
    }
}
