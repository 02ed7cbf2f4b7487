using Dashboard.OData.Translation;

namespace Dashboard.OData.Tests.CaseInsensitive;

public class CaseInsensitiveTests
{
    [Fact]
    public void Set_property_and_function_names_ignore_case_and_report_the_canonical_set()
    {
        var exact = Tx.Default.Translate("Observations", "Observations?$filter=contains(RegionCode,'a') and year(Period) eq 2023&$select=RegionCode,Value&$orderby=Value desc");
        var loose = Tx.Default.Translate("observations", "OBSERVATIONS?$filter=CONTAINS(regioncode,'a') and Year(PERIOD) eq 2023&$select=regionCode,VALUE&$orderby=value desc");
        Assert.Equal(exact.Sql, loose.Sql);
        Assert.Equal("Observations", loose.EntitySet);
        Assert.Equal("Observations(RegionCode,Value)", loose.ContextFragment);
        Assert.Equal(["RegionCode", "Value"], loose.Properties);
    }

    [Fact]
    public void Option_names_ignore_case()
    {
        var exact = Tx.Obs("?$filter=Revision eq 2&$top=3&$count=true");
        var loose = Tx.Obs("?$FILTER=revision eq 2&$Top=3&$COUNT=true");
        Assert.Equal(exact.Sql, loose.Sql);
        Assert.Equal(exact.CountSql, loose.CountSql);
    }

    [Fact]
    public void Apply_names_and_aliases_ignore_case()
    {
        var exact = Tx.Obs("?$apply=filter(Value gt 1)/groupby((RegionCode,Period),aggregate(Value with sum as Total))&$filter=RegionCode eq 'a' and Total gt 2&$orderby=Total desc&$select=RegionCode,Total");
        var loose = Tx.Obs("?$APPLY=filter(value gt 1)/groupby((regioncode,PERIOD),aggregate(VALUE with sum as Total))&$filter=REGIONCODE eq 'a' and total gt 2&$orderby=TOTAL desc&$select=regioncode,total");
        Assert.Equal(exact.Sql, loose.Sql);
        Assert.Equal(exact.Parameters, loose.Parameters);
        Assert.Equal("Observations(RegionCode,Total)", loose.ContextFragment);
    }

    [Fact]
    public void Respelling_leaves_string_literals_alone()
    {
        var q = Tx.Obs("?$apply=groupby((regioncode),aggregate($count as N))&$filter=regioncode eq 'regioncode value'");
        Assert.Equal("regioncode value", q.Parameters["p0"]);
    }

    [Fact]
    public void Keys_and_count_segment_ignore_case()
    {
        Assert.Equal(Tx.Default.Translate("Regions", "Regions('a')").Sql, Tx.Default.Translate("REGIONS", "regions('a')").Sql);
        Assert.Equal(Tx.Default.Translate("Observations", "Observations(RegionCode='x',IndicatorCode='y',Period=2023-01-01)").Sql,
            Tx.Default.Translate("observations", "observations(regioncode='x',INDICATORCODE='y',period=2023-01-01)").Sql);
        var count = Tx.Default.Translate("regions", "Regions/$count?$filter=LEVEL eq 'City'");
        Assert.Equal("SELECT count() AS `Count` FROM regions FINAL WHERE (`level` = @p0)", count.Sql);
        Assert.Equal("Regions", count.EntitySet);
    }

    [Fact]
    public void Unknown_names_are_still_refused()
    {
        Assert.Throws<ODataTranslationException>(() => Tx.Default.Translate("Region", "Region"));
        Assert.Throws<ODataTranslationException>(() => Tx.Obs("?$filter=regioncodes eq 'a'"));
        Assert.Throws<ODataTranslationException>(() => Tx.Obs("?$apply=groupby((regioncodes))"));
    }
}
