using System.Text;
using Dashboard.ClickHouse.Sql;
using Dashboard.OData.Translation;

namespace Dashboard.OData.Tests.Apply;

/// <summary>Hostile text in $apply ends up as a bound parameter or as a 400, never as SQL.</summary>
public class ApplyInjectionTests
{
    private const string GroupPrefix = "SELECT `RegionCode`, `N` FROM (SELECT `__g0` AS `RegionCode`, `__a0` AS `N` FROM (SELECT `region_code` AS `__g0`, " +
                                       "toInt64(count()) AS `__a0` FROM observations FINAL WHERE ";

    private static TranslatedQuery FilterThenCount(string odataLiteral) =>
        Tx.Obs("?$apply=" + Uri.EscapeDataString($"filter(IndicatorCode eq {odataLiteral})/groupby((RegionCode),aggregate($count as N))"));

    private static void AssertParameterOnly(string odataLiteral, string expected)
    {
        var q = FilterThenCount(odataLiteral);
        Assert.Equal(GroupPrefix + "(`indicator_code` = @p0) GROUP BY `region_code`)) ORDER BY `RegionCode` ASC LIMIT 1001", q.Sql);
        Assert.Equal(expected, q.Parameters["p0"]);
        Assert.Single(q.Parameters);
    }

    [Fact]
    public void Quote_in_a_string_is_a_parameter() =>
        AssertParameterOnly("'x'') OR 1=1 GROUP BY region_code --'", "x') OR 1=1 GROUP BY region_code --");

    [Fact]
    public void Line_and_block_comments_are_a_parameter()
    {
        AssertParameterOnly("'a--'", "a--");
        AssertParameterOnly("'/* x */ 1; DROP TABLE observations'", "/* x */ 1; DROP TABLE observations");
    }

    [Fact]
    public void Unicode_backslashes_and_backquotes_are_a_parameter() =>
        AssertParameterOnly("'昆山市 \\'' 🚀 \u202e`__a0` AS `N`'", "昆山市 \\' 🚀 \u202e`__a0` AS `N`");

    [Fact]
    public void Very_long_literal_is_a_parameter()
    {
        var big = new string('x', 20_000) + "'')--";
        AssertParameterOnly("'" + big + "'", new string('x', 20_000) + "')--");
    }

    [Fact]
    public void Hostile_literal_binds_inside_one_quoted_literal()
    {
        var q = FilterThenCount("'x'') UNION ALL SELECT name, 1 FROM system.users --'");
        var bound = SqlText.BindParameters(q.Sql, (name, sb, form) =>
        {
            if (!q.Parameters.TryGetValue(name, out var value)) return false;
            SqlLiteral.Append(sb, value, null, form);
            return true;
        });
        Assert.Contains("(`indicator_code` = 'x\\') UNION ALL SELECT name, 1 FROM system.users --')", bound, StringComparison.Ordinal);
        Assert.Single(SqlText.SplitStatements(bound));
    }

    [Theory]
    [InlineData("aggregate(Value with sum as x; DROP TABLE observations)")]
    [InlineData("aggregate(Value with sum as `x`)")]
    [InlineData("aggregate(Value with sum as x--)")]
    [InlineData("aggregate(Value with sum as x/*)")]
    [InlineData("aggregate(Value with sum as 'x')")]
    [InlineData("aggregate(Value with sum as 总计)")]
    [InlineData("aggregate(Value with sum as x y)")]
    [InlineData("aggregate(Value with sum(1) as x)")]
    [InlineData("aggregate(value_col with sum as x)")]
    [InlineData("aggregate(`value` with sum as x)")]
    [InlineData("groupby((region_code))")]
    [InlineData("groupby((RegionCode)) ; DROP TABLE observations")]
    [InlineData("groupby((RegionCode),aggregate(Value with sum as T)) --")]
    [InlineData("filter(Value gt 1) /* x */")]
    [InlineData("filter(1 eq 1) OR 1=1")]
    [InlineData("groupby((RegionCode),aggregate(Value with sum as T)))")]
    public void Sql_outside_literals_is_a_400(string apply)
    {
        var ex = Tx.Fails("Observations", "?$apply=" + Uri.EscapeDataString(apply));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Alias_longer_than_an_identifier_is_a_400()
    {
        var alias = new string('A', 200);
        var ex = Tx.Fails("Observations", "?$apply=aggregate(Value with sum as " + alias + ")");
        Assert.Contains("is not a plain identifier", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_is_quoted_and_never_read_as_a_column()
    {
        // An alias spelled like a source column must not change what the aggregate reads.
        var q = Tx.Obs("?$apply=groupby((RegionCode),aggregate(Value with sum as value, Revision with max as region_code))");
        Assert.Contains("SELECT `region_code` AS `__g0`, sum(`value`) AS `__a0`, max(`revision`) AS `__a1` FROM observations FINAL GROUP BY `region_code`",
            q.Sql, StringComparison.Ordinal);
        Assert.StartsWith("SELECT `RegionCode`, `value`, `region_code` FROM (SELECT `__g0` AS `RegionCode`, `__a0` AS `value`, `__a1` AS `region_code` FROM ",
            q.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_in_an_apply_filter_is_refused()
    {
        // 30 terms: 3 nodes each plus 29 'or's, over the limit of 100 but within the parser's recursion limit.
        var chain = string.Join(" or ", Enumerable.Range(0, 30).Select(i => $"RegionCode eq '{i}'"));
        var ex = Tx.Fails("Observations", "?$apply=filter(" + chain + ")/aggregate($count as N)");
        Assert.Equal(ODataErrorCodes.LimitExceeded, ex.Code);

        var nots = string.Concat(Enumerable.Repeat("not (", 150)) + "Value eq 1" + new string(')', 150);
        ex = Tx.Fails("Observations", "?$apply=filter(" + nots + ")/aggregate($count as N)");
        Assert.StartsWith("Invalid $apply:", ex.Message, StringComparison.Ordinal);

        var parens = new string('(', 5000) + "Value eq 1" + new string(')', 5000);
        ex = Tx.Fails("Observations", "?$apply=filter(" + parens + ")");
        Assert.StartsWith("Invalid $apply:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_chain_of_transformations_is_refused_by_the_node_limit()
    {
        var chain = string.Join("/", Enumerable.Repeat("filter(Value gt 1)", 40));
        var ex = Tx.Fails("Observations", "?$apply=" + chain);
        Assert.Equal(ODataErrorCodes.LimitExceeded, ex.Code);
    }

    [Fact]
    public void Many_aggregates_are_refused_by_the_node_limit()
    {
        var aggregates = string.Join(",", Enumerable.Range(0, 60).Select(i => $"Value with sum as A{i}"));
        var ex = Tx.Fails("Observations", "?$apply=aggregate(" + aggregates + ")");
        Assert.Equal(ODataErrorCodes.LimitExceeded, ex.Code);
    }

    [Fact]
    public void User_text_never_appears_in_the_sql()
    {
        var marker = "ZZ_" + new StringBuilder().Append('q', 10);
        var q = Tx.Obs("?$apply=" + Uri.EscapeDataString($"filter(contains(RegionCode,'{marker}'))/groupby((RegionCode))") +
                       "&$filter=" + Uri.EscapeDataString($"RegionCode ne '{marker}'"));
        Assert.DoesNotContain(marker, q.Sql, StringComparison.Ordinal);
        Assert.Equal([marker, marker], q.Parameters.Values);
    }
}
