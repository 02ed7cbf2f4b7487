using Dashboard.OData.Translation;

namespace Dashboard.OData.Tests.Limits;

public class LimitTests
{
    [Fact]
    public void Top_over_the_limit_is_refused_naming_the_limit()
    {
        var ex = Tx.Fails("Observations", "?$top=10001");
        Assert.Equal(ODataErrorCodes.LimitExceeded, ex.Code);
        Assert.Contains("$top=10001", ex.Message, StringComparison.Ordinal);
        Assert.Contains("10000", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(" LIMIT 1001", Tx.Obs("?$top=10000").Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Or_chain_of_1000_terms_is_refused_naming_the_limit()
    {
        var filter = string.Join(" or ", Enumerable.Range(0, 1000).Select(i => $"RegionCode eq '{i}'"));
        var ex = Tx.Fails("Observations", "?$filter=" + filter);
        Assert.True(ex.Code == ODataErrorCodes.LimitExceeded, ex.Message);
        Assert.Contains("$filter has more than 100 nodes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_at_the_limit_passes_and_one_more_fails()
    {
        // n terms `RegionCode eq 'x'` joined by or: 3n + (n - 1) nodes. n = 25 -> 99 nodes.
        string Chain(int n) => string.Join(" or ", Enumerable.Range(0, n).Select(i => $"RegionCode eq '{i}'"));
        var q = Tx.Obs("?$filter=" + Chain(25));
        Assert.Equal(25, q.Parameters.Count);
        Assert.Throws<ODataTranslationException>(() => Tx.Obs("?$filter=" + Chain(26)));
    }

    [Fact]
    public void Deep_nesting_past_the_node_limit_is_refused()
    {
        var filter = string.Concat(Enumerable.Repeat("not (", 150)) + "Value eq 1" + new string(')', 150);
        var ex = Tx.Fails("Observations", "?$filter=" + filter);
        Assert.True(ex.Code == ODataErrorCodes.LimitExceeded, ex.Message);
    }

    [Fact]
    public void Very_deep_parentheses_are_a_wrapped_parser_error()
    {
        var filter = new string('(', 5000) + "Value eq 1" + new string(')', 5000);
        var ex = Tx.Fails("Observations", "?$filter=" + filter);
        Assert.StartsWith("Invalid $filter:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_list_items_count_as_nodes()
    {
        var list = string.Join(",", Enumerable.Range(0, 200).Select(i => $"'{i}'"));
        var ex = Tx.Fails("Observations", $"?$filter=RegionCode in ({list})");
        Assert.Equal(ODataErrorCodes.LimitExceeded, ex.Code);
    }

    [Fact]
    public void Limits_are_configurable()
    {
        var t = new ODataSqlTranslator(new ODataTranslatorOptions { MaxTop = 5, MaxFilterNodes = 3 });
        Assert.Throws<ODataTranslationException>(() => t.Translate("Regions", "Regions?$top=6"));
        Assert.Throws<ODataTranslationException>(() => t.Translate("Regions", "Regions?$filter=Code eq 'a' and Name eq 'b'"));
        t.Translate("Regions", "Regions?$top=5&$filter=Code eq 'a'");
    }

    [Theory]
    [InlineData("?$search=abc", "$search")]
    [InlineData("?$compute=Value mul 2 as V2", "$compute")]
    [InlineData("?$skiptoken=abc", "$skiptoken")]
    public void Unsupported_options_are_refused_by_name(string query, string option)
    {
        var ex = Tx.Fails("Observations", query);
        Assert.Equal(ODataErrorCodes.NotSupported, ex.Code);
        Assert.Contains(option, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Unsupported_apply_transformation_is_refused_by_name()
    {
        var ex = Tx.Fails("Observations", "?$apply=filter(Value gt 1)/compute(Value mul 2 as V2)");
        Assert.Equal(ODataErrorCodes.NotSupported, ex.Code);
        Assert.Equal("The $apply transformation 'compute' is not supported (supported: filter, groupby, aggregate).", ex.Message);
    }

    [Fact]
    public void Unknown_entity_set_and_mismatched_path()
    {
        Assert.Contains("Users", Assert.Throws<ODataTranslationException>(() => Tx.Default.Translate("Users", "Users")).Message, StringComparison.Ordinal);
        Assert.Throws<ODataTranslationException>(() => Tx.Default.Translate("Regions", "Observations"));
        Assert.Throws<ODataTranslationException>(() => Tx.Default.Translate("Regions", "Observations('320583')"));
    }

    [Fact]
    public void Scorecard_needs_a_source()
    {
        var ex = Tx.Fails("Scorecard", "");
        Assert.Equal(ODataErrorCodes.NotSupported, ex.Code);
    }
}
