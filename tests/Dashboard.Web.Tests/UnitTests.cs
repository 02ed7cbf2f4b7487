using Dashboard.Web.Api;
using Dashboard.Web.Common;

namespace Dashboard.Web.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData("331002", "'331002'")]
    [InlineData("O'Brien", "'O''Brien'")]
    [InlineData("') or true or ('", "''') or true or ('''")]
    public void OData_literals_double_single_quotes(string value, string expected) => Assert.Equal(expected, ODataQuery.Literal(value));

    [Fact]
    public void OData_query_string_is_percent_encoded()
    {
        var q = new ODataQuery { Filter = ODataQuery.Eq("RegionCode", "a&$top=1"), AsOf = new DateOnly(2023, 6, 30) }.ToString();
        Assert.Equal("asOf=2023-06-30&$filter=RegionCode%20eq%20%27a%26%24top%3D1%27", q);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+86", "'+86")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("台州市", "台州市")]
    public void Csv_fields_are_neutralised_and_quoted(string value, string expected) => Assert.Equal(expected, Csv.Field(value));
}
