using Dashboard.OData.Translation;

namespace Dashboard.OData.Tests.Keys;

public class KeyTests
{
    private const string Scope = "region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scope)";

    [Fact]
    public void Single_key_reads_at_most_one_row()
    {
        var q = Tx.Default.Translate("Regions", "Regions('320583')");
        Assert.Equal("SELECT `code` AS `Code`, `name` AS `Name`, `level` AS `Level`, `parent_code` AS `ParentCode`, `kind` AS `Kind` " +
                     "FROM regions FINAL WHERE (`code` = @p0) LIMIT 1", q.Sql);
        Assert.Equal("320583", q.Parameters["p0"]);
        Assert.Equal(QueryShape.Entity, q.Shape);
        Assert.Equal("Regions/$entity", q.ContextFragment);
        Assert.Equal(1, q.PageSize);
        Assert.Equal(1, q.FetchSize);
        Assert.False(q.HasNextPage(1));
        Assert.Null(q.CountSql);
        Assert.Equal(5, q.Columns.Count);
    }

    [Fact]
    public void Key_lookup_keeps_the_scope_first()
    {
        var scope = new SqlCondition(Scope, new Dictionary<string, object?> { ["scope"] = new[] { "320583" } });
        var q = Tx.Default.Translate("Targets", "Targets('T-001')", scope);
        Assert.EndsWith(" FROM (SELECT * FROM targets ORDER BY id, version DESC LIMIT 1 BY id) WHERE (" + Scope + ") AND (`id` = @p0) LIMIT 1",
            q.Sql, StringComparison.Ordinal);
        Assert.Equal(["scope", "p0"], q.Parameters.Keys);
        Assert.Equal("T-001", q.Parameters["p0"]);
    }

    [Fact]
    public void Composite_key_binds_each_part_in_key_order_with_its_type()
    {
        var q = Tx.Obs("(Period=2023-01-01,RegionCode='x',IndicatorCode='y')");
        Assert.Equal(Tx.ObsColumns + " WHERE (`region_code` = @p0) AND (`indicator_code` = @p1) AND (`period` = @p2) LIMIT 1", q.Sql);
        Assert.Equal("x", q.Parameters["p0"]);
        Assert.Equal("y", q.Parameters["p1"]);
        Assert.Equal(new DateOnly(2023, 1, 1), q.Parameters["p2"]);
        Assert.Equal("Observations/$entity", q.ContextFragment);
    }

    [Fact]
    public void Scorecard_key_reads_the_supplied_source()
    {
        var q = Tx.Default.Translate("Scorecard", "Scorecard(RegionCode='320583',TargetId='KS-1')?$select=Status,Actual", null, "(SELECT * FROM sc)");
        Assert.Equal("SELECT `status` AS `Status`, `actual` AS `Actual` FROM (SELECT * FROM sc) WHERE (`region_code` = @p0) AND (`target_id` = @p1) LIMIT 1", q.Sql);
        Assert.Equal("Scorecard(Status,Actual)/$entity", q.ContextFragment);
        Assert.Equal(["Status", "Actual"], q.Properties);
    }

    [Fact]
    public void Hostile_key_value_is_a_parameter()
    {
        var q = Tx.Default.Translate("Regions", "Regions(" + Uri.EscapeDataString("'x'') OR 1=1 --'") + ")");
        Assert.EndsWith(" WHERE (`code` = @p0) LIMIT 1", q.Sql, StringComparison.Ordinal);
        Assert.Equal("x') OR 1=1 --", q.Parameters["p0"]);
    }

    [Theory]
    [InlineData("Regions('a')/Name")]
    [InlineData("Regions('a')/$count")]
    [InlineData("Regions('a')?$filter=Level eq 'City'")]
    [InlineData("Regions('a')?$orderby=Name")]
    [InlineData("Regions('a')?$top=1")]
    [InlineData("Regions('a')?$count=true")]
    public void Key_lookup_refuses_what_applies_to_collections(string pathAndQuery)
    {
        var ex = Assert.Throws<ODataTranslationException>(() => Tx.Default.Translate("Regions", pathAndQuery));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Single_property_path_says_what_to_use_instead()
    {
        var ex = Assert.Throws<ODataTranslationException>(() => Tx.Default.Translate("Regions", "Regions('a')/Name"));
        Assert.Equal(ODataErrorCodes.NotSupported, ex.Code);
        Assert.Equal("Reading a single property ('Name') of an entity is not supported; use Regions(…)?$select=Name.", ex.Message);
    }

    [Theory]
    [InlineData("Observations('x')")]
    [InlineData("Observations(RegionCode='x')")]
    [InlineData("Observations(RegionCode='x',IndicatorCode='y',Period='2023-01-01')")]
    [InlineData("Regions(1)")]
    public void Malformed_keys_are_400s(string pathAndQuery)
    {
        var set = pathAndQuery[..pathAndQuery.IndexOf('(', StringComparison.Ordinal)];
        Assert.Throws<ODataTranslationException>(() => Tx.Default.Translate(set, pathAndQuery));
    }
}
