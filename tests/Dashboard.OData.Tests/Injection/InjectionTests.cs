using Dashboard.OData.Translation;

namespace Dashboard.OData.Tests.Injection;

public class InjectionTests
{
    private static void AssertParameterOnly(string filterLiteralOData, string expectedValue)
    {
        var q = Tx.Obs("?$filter=RegionCode eq " + Uri.EscapeDataString(filterLiteralOData));
        Assert.Equal("WHERE (`region_code` = @p0)", q.Sql[(Tx.ObsColumns.Length + 1)..q.Sql.IndexOf(" ORDER BY", StringComparison.Ordinal)]);
        Assert.Equal(expectedValue, q.Parameters["p0"]);
        Assert.DoesNotContain(expectedValue, q.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Quote_inside_a_string_is_a_parameter() =>
        AssertParameterOnly("'x'' OR 1=1 OR ''a'''", "x' OR 1=1 OR 'a'");

    [Fact]
    public void Line_comment_is_a_parameter() =>
        AssertParameterOnly("'a''--'", "a'--");

    [Fact]
    public void Block_comment_is_a_parameter() =>
        AssertParameterOnly("'/* x */ 1; DROP TABLE observations'", "/* x */ 1; DROP TABLE observations");

    [Fact]
    public void Unicode_and_backslashes_are_a_parameter() =>
        AssertParameterOnly("'昆山市 \\'' 🚀 \u202e`x`'", "昆山市 \\' 🚀 \u202e`x`");

    [Fact]
    public void Ten_thousand_character_literal_is_a_parameter()
    {
        var big = new string('\'', 2) + new string('a', 10_000) + "--" + new string('\'', 2);
        AssertParameterOnly("'" + big + "'", "'" + new string('a', 10_000) + "--'");
    }

    [Fact]
    public void Injection_in_function_argument_is_a_parameter()
    {
        var q = Tx.Obs("?$filter=contains(RegionCode," + Uri.EscapeDataString("')) > 0 OR 1=1 --'") + ")");
        Assert.Contains("WHERE (position(`region_code`, @p0) > 0) ORDER BY", q.Sql, StringComparison.Ordinal);
        Assert.Equal(")) > 0 OR 1=1 --", q.Parameters["p0"]);
    }

    [Theory]
    [InlineData("?$filter=RegionCode eq 'a' --")]
    [InlineData("?$filter=RegionCode eq 'a'; DROP TABLE observations")]
    [InlineData("?$filter=RegionCode eq 'a' /* x */")]
    [InlineData("?$filter=`region_code` eq 'a'")]
    [InlineData("?$filter=RegionCode eq 'a') OR (1 eq 1")]
    [InlineData("?$orderby=Period; DROP TABLE observations")]
    [InlineData("?$orderby=Period desc --")]
    [InlineData("?$select=RegionCode,(SELECT 1)")]
    [InlineData("?$select=region_code")]
    [InlineData("?$filter=region_code eq 'a'")]
    public void Sql_outside_literals_is_a_400(string query)
    {
        var ex = Tx.Fails("Observations", query);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Unknown_property_is_named()
    {
        var ex = Tx.Fails("Observations", "?$filter=Password eq 'x'");
        Assert.Contains("'Password'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scope_is_anded_before_the_user_filter_and_cannot_be_widened()
    {
        var scope = new SqlCondition("region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scope)",
            new Dictionary<string, object?> { ["scope"] = new[] { "320583" } });
        var q = Tx.Default.Translate("Observations", "Observations?$filter=RegionCode eq 'x' or 1 eq 1", scope);
        Assert.Contains(" WHERE (region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scope)) AND ((`region_code` = @p0) OR (@p1 = @p2)) ORDER BY ",
            q.Sql, StringComparison.Ordinal);

        var none = Tx.Default.Translate("Observations", "Observations", scope);
        Assert.Contains(" WHERE (region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scope)) ORDER BY ", none.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Scope_parameter_names_cannot_clash_with_user_parameters()
    {
        var scope = new SqlCondition("region_code = @p0", new Dictionary<string, object?> { ["p0"] = "a" });
        Assert.Throws<ArgumentException>(() => Tx.Default.Translate("Observations", "Observations", scope));
    }
}
