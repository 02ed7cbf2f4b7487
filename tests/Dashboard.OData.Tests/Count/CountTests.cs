using Dashboard.OData.Translation;

namespace Dashboard.OData.Tests.Count;

public class CountTests
{
    [Fact]
    public void Count_true_adds_a_count_statement_with_the_same_where()
    {
        var q = Tx.Obs("?$filter=RegionCode eq 'a'&$count=true&$top=5");
        Assert.Equal("SELECT count() AS `Count` FROM observations FINAL WHERE (`region_code` = @p0)", q.CountSql);
        Assert.Contains(" WHERE (`region_code` = @p0) ORDER BY ", q.Sql, StringComparison.Ordinal);
        Assert.Single(q.Parameters);
    }

    [Fact]
    public void No_count_without_the_option_or_with_false()
    {
        Assert.Null(Tx.Obs("").CountSql);
        Assert.Null(Tx.Obs("?$count=false").CountSql);
    }

    [Fact]
    public void Count_includes_the_scope()
    {
        var scope = new SqlCondition("region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scope)",
            new Dictionary<string, object?> { ["scope"] = new[] { "320583" } });
        var q = Tx.Default.Translate("Observations", "Observations?$count=true&$filter=Value gt 1", scope);
        const string where = " WHERE (region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scope)) AND (`value` > @p0)";
        Assert.Equal("SELECT count() AS `Count` FROM observations FINAL" + where, q.CountSql);
        Assert.Contains(where + " ORDER BY ", q.Sql, StringComparison.Ordinal);
        Assert.Equal(["scope", "p0"], q.Parameters.Keys);
    }

    [Fact]
    public void Bad_count_value_is_refused()
    {
        var ex = Tx.Fails("Observations", "?$count=maybe");
        Assert.Contains("$count", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_segment_is_translated_see_CountSegment_tests()
    {
        var q = Tx.Default.Translate("Observations", "Observations/$count");
        Assert.Equal(QueryShape.Count, q.Shape);
        Assert.Equal("SELECT count() AS `Count` FROM observations FINAL", q.Sql);
    }
}
