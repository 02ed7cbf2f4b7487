using Dashboard.OData.Translation;

namespace Dashboard.OData.Tests.Paging;

public class PagingTests
{
    [Fact]
    public void Default_page_fetches_one_extra_row()
    {
        var q = Tx.Obs("");
        Assert.Equal(1000, q.PageSize);
        Assert.Equal(1001, q.FetchSize);
        Assert.EndsWith(" LIMIT 1001", q.Sql, StringComparison.Ordinal);
        Assert.True(q.HasNextPage(1001));
        Assert.False(q.HasNextPage(1000));
    }

    [Fact]
    public void Top_below_the_page_size_is_the_page()
    {
        var q = Tx.Obs("?$top=10&$skip=20");
        Assert.EndsWith(" LIMIT 11 OFFSET 20", q.Sql, StringComparison.Ordinal);
        Assert.Equal(10, q.PageSize);
        Assert.Equal(20, q.Skip);
        Assert.Equal(10, q.Top);
        Assert.False(q.HasNextPage(11)); // $top=10 is satisfied by this page
    }

    [Fact]
    public void Top_above_the_page_size_pages()
    {
        var q = Tx.Obs("?$top=5000");
        Assert.EndsWith(" LIMIT 1001", q.Sql, StringComparison.Ordinal);
        Assert.True(q.HasNextPage(1001));
    }

    [Fact]
    public void Configured_page_size()
    {
        var t = new ODataSqlTranslator(new ODataTranslatorOptions { PageSize = 50 });
        var q = t.Translate("Regions", "Regions?$skip=100");
        Assert.EndsWith(" ORDER BY `code` ASC LIMIT 51 OFFSET 100", q.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_zero()
    {
        var q = Tx.Obs("?$top=0");
        Assert.Equal(0, q.PageSize);
        Assert.EndsWith(" LIMIT 1", q.Sql, StringComparison.Ordinal);
        Assert.False(q.HasNextPage(1));
    }

    [Theory]
    [InlineData("?$top=-1")]
    [InlineData("?$skip=-5")]
    [InlineData("?$top=abc")]
    [InlineData("?$skip=1;DROP TABLE x")]
    [InlineData("?$top=99999999999999999999")]
    public void Bad_paging_values_are_refused(string query)
    {
        var ex = Tx.Fails("Observations", query);
        Assert.Matches(@"\$(top|skip)", ex.Message);
    }
}
