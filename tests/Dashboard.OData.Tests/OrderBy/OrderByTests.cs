namespace Dashboard.OData.Tests.OrderBy;

public class OrderByTests
{
    [Fact]
    public void Multiple_items_then_the_rest_of_the_key()
    {
        var q = Tx.Obs("?$orderby=Period desc,Value,RegionCode asc");
        Assert.Equal(Tx.ObsColumns + " ORDER BY `period` DESC, `value` ASC, `region_code` ASC, `indicator_code` ASC LIMIT 1001", q.Sql);
    }

    [Fact]
    public void Without_orderby_the_key_orders_pages()
    {
        Assert.Equal(Tx.ObsColumns + " ORDER BY " + Tx.ObsKeyOrder + " LIMIT 1001", Tx.Obs("").Sql);
    }

    [Fact]
    public void Expressions_are_allowed_and_parameterised()
    {
        var q = Tx.Obs("?$orderby=year(Period) desc");
        Assert.Contains(" ORDER BY toYear(`period`) DESC, " + Tx.ObsKeyOrder + " LIMIT", q.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_property_is_named()
    {
        var ex = Tx.Fails("Observations", "?$orderby=Secret desc");
        Assert.Contains("Secret", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("Invalid $orderby:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Collection_property_cannot_be_sorted()
    {
        Assert.Throws<Dashboard.OData.Translation.ODataTranslationException>(() =>
            Tx.Default.Translate("Targets", "Targets?$orderby=ResponsibleUnits"));
    }
}
