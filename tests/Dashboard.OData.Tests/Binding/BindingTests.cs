using System.Text;
using Dashboard.ClickHouse.Sql;
using Dashboard.OData.Translation;

namespace Dashboard.OData.Tests.Binding;

/// <summary>Binds the translator's SQL as the provider does, and checks user text only appears inside literals.</summary>
public class BindingTests
{
    private static string Bind(TranslatedQuery q, string sql) =>
        SqlText.BindParameters(sql, (name, sb, form) =>
        {
            if (!q.Parameters.TryGetValue(name, out var value)) return false;
            SqlLiteral.Append(sb, value, null, form);
            return true;
        });

    /// <summary>The SQL with every string literal, quoted identifier and comment removed.</summary>
    private static string CodeOnly(string sql)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < sql.Length)
        {
            if (sql[i] is '\'' or '`')
            {
                var quote = sql[i];
                i++;
                while (i < sql.Length && sql[i] != quote) i += sql[i] == '\\' ? 2 : 1;
                i++;
                sb.Append(' ');
                continue;
            }
            sb.Append(sql[i]);
            i++;
        }
        return sb.ToString();
    }

    [Fact]
    public void Bound_sql_keeps_hostile_text_inside_literals()
    {
        var hostile = "x' OR 1=1 -- /* \\' ; DROP TABLE observations";
        var q = Tx.Obs("?$filter=" + Uri.EscapeDataString($"RegionCode eq '{hostile.Replace("'", "''", StringComparison.Ordinal)}' and Value gt 1.5 and Period ge 2023-01-01") + "&$count=true");
        var bound = Bind(q, q.Sql);
        Assert.Contains("(`region_code` = 'x\\' OR 1=1 -- /* \\\\\\' ; DROP TABLE observations')", bound, StringComparison.Ordinal);
        Assert.Contains("(`value` > toDecimal64('1.5', 1))", bound, StringComparison.Ordinal);
        Assert.Contains("(`period` >= toDate('2023-01-01'))", bound, StringComparison.Ordinal);
        var code = CodeOnly(bound);
        Assert.DoesNotContain("DROP", code, StringComparison.Ordinal);
        Assert.DoesNotContain("--", code, StringComparison.Ordinal);
        Assert.DoesNotContain("/*", code, StringComparison.Ordinal);
        Assert.DoesNotContain(";", code, StringComparison.Ordinal);
        Assert.Single(SqlText.SplitStatements(bound));
        Assert.Single(SqlText.SplitStatements(Bind(q, q.CountSql!)));
    }

    [Fact]
    public void In_list_binds_as_a_set()
    {
        var q = Tx.Obs("?$filter=RegionCode in ('a','b''c')");
        Assert.Contains("(`region_code` IN ('a', 'b\\'c'))", Bind(q, q.Sql), StringComparison.Ordinal);
    }

    [Fact]
    public void Scope_binds_with_the_user_values()
    {
        var scope = new SqlCondition("region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scope)",
            new Dictionary<string, object?> { ["scope"] = new[] { "320583", "320500" } });
        var q = Tx.Default.Translate("Observations", "Observations?$filter=Revision eq 2", scope);
        Assert.Contains(" WHERE (region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN ('320583', '320500'))) AND (`revision` = 2) ORDER BY ",
            Bind(q, q.Sql), StringComparison.Ordinal);
    }
}
