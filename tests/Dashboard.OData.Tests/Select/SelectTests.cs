namespace Dashboard.OData.Tests.SelectOption;

public class SelectTests
{
    [Fact]
    public void Select_projects_allow_listed_columns_with_edm_aliases()
    {
        var q = Tx.Default.Translate("Regions", "Regions?$select=Name,ParentCode");
        Assert.Equal("SELECT `name` AS `Name`, `parent_code` AS `ParentCode` FROM regions FINAL ORDER BY `code` ASC LIMIT 1001", q.Sql);
        Assert.Equal(["Name", "ParentCode"], q.Properties);
        Assert.Empty(q.Parameters);
    }

    [Fact]
    public void No_select_and_star_select_every_property()
    {
        var all = Tx.Default.Translate("Indicators", "Indicators");
        var star = Tx.Default.Translate("Indicators", "Indicators?$select=*");
        Assert.Equal(["Code", "Name", "NameEn", "Unit", "Kind", "Direction", "Periodicity"], all.Properties);
        Assert.Equal(all.Sql, star.Sql);
    }

    [Fact]
    public void Targets_read_the_current_version()
    {
        var q = Tx.Default.Translate("Targets", "Targets?$select=Id,Value,ResponsibleUnits");
        Assert.Equal("SELECT `id` AS `Id`, `value` AS `Value`, `responsible_units` AS `ResponsibleUnits` " +
                     "FROM (SELECT * FROM targets ORDER BY id, version DESC LIMIT 1 BY id) ORDER BY `id` ASC LIMIT 1001", q.Sql);
    }

    [Fact]
    public void Unknown_property_is_named()
    {
        var ex = Tx.Fails("Regions", "?$select=Name,Password");
        Assert.Contains("Password", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("Invalid $select:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_is_not_supported()
    {
        var ex = Tx.Fails("Regions", "?$expand=Parent");
        Assert.Equal("NotSupported", ex.Code);
        Assert.Contains("$expand", ex.Message, StringComparison.Ordinal);
    }
}
