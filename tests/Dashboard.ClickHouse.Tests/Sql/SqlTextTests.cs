using System.Data;
using System.Text;
using Dashboard.ClickHouse.Sql;

namespace Dashboard.ClickHouse.Tests.Sql;

public sealed class SqlTextTests
{
    private static string Bind(string sql, params (string Name, object? Value)[] values) =>
        SqlText.BindParameters(sql, (name, sb, form) =>
        {
            var hit = values.FirstOrDefault(v => v.Name == name);
            if (hit.Name is null) return false;
            SqlLiteral.Append(sb, hit.Value, null, form);
            return true;
        });

    [Fact]
    public void After_the_VALUES_of_an_INSERT_values_are_written_as_data()
    {
        var at = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Assert.Equal("INSERT INTO t VALUES (1.5000, toDateTime('2024-01-02 03:04:05', 'UTC'), 'x')",
            Bind("INSERT INTO t VALUES (@d, @t, @s)", ("d", 1.5000m), ("t", at), ("s", "x")));
        Assert.Equal("SELECT toDecimal64('1.5000', 4) AS values_col",
            Bind("SELECT @d AS values_col", ("d", 1.5000m)));
        Assert.Equal("SELECT 1 FROM t WHERE d = toDecimal64('1.5', 1) AND 'VALUES' = 'VALUES'",
            Bind("SELECT 1 FROM t WHERE d = @d AND 'VALUES' = 'VALUES'", ("d", 1.5m)));
    }

    [Theory]
    [InlineData("SELECT @a", "SELECT 1")]
    [InlineData("SELECT '@a'", "SELECT '@a'")]
    [InlineData("SELECT `@a`, \"@a\"", "SELECT `@a`, \"@a\"")]
    [InlineData("SELECT 1 -- @a\n, @a", "SELECT 1 -- @a\n, 1")]
    [InlineData("SELECT /* @a */ @a", "SELECT /* @a */ 1")]
    [InlineData("SELECT 'it''s @a', @a", "SELECT 'it''s @a', 1")]
    [InlineData(@"SELECT 'x\'@a', @a", @"SELECT 'x\'@a', 1")]
    [InlineData("SELECT user@a", "SELECT user@a")]
    [InlineData("SELECT @a+@a", "SELECT 1+1")]
    public void Placeholders_bind_only_in_plain_sql(string sql, string expected) =>
        Assert.Equal(expected, Bind(sql, ("a", 1)));

    [Fact]
    public void A_list_right_after_IN_is_a_set_and_an_empty_one_matches_nothing()
    {
        Assert.Equal("SELECT 1 WHERE x IN (1, 2) AND has([1, 2], x)", Bind("SELECT 1 WHERE x IN @l AND has(@l, x)", ("l", new[] { 1, 2 })));
        Assert.Equal("SELECT 1 WHERE x in (NULL)", Bind("SELECT 1 WHERE x in @l", ("l", Array.Empty<int>())));
        Assert.Equal("SELECT 1 WHERE x IN ('a')", Bind("SELECT 1 WHERE x IN @s", ("s", "a")));
    }

    [Fact]
    public void An_unknown_placeholder_is_named_in_the_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Bind("SELECT @nope", ("a", 1)));
        Assert.Contains("@nope", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("it's", @"'it\'s'")]
    [InlineData(@"a\b", @"'a\\b'")]
    [InlineData("l1\nl2\tx\r\0", @"'l1\nl2\tx\r\0'")]
    [InlineData("流动😀", "'流动😀'")]
    [InlineData("'; DROP TABLE t; --", @"'\'; DROP TABLE t; --'")]
    public void Strings_are_escaped(string value, string literal) => Assert.Equal(literal, SqlLiteral.Format(value));

    [Fact]
    public void Values_become_typed_literals()
    {
        Assert.Equal("NULL", SqlLiteral.Format(null));
        Assert.Equal("NULL", SqlLiteral.Format(DBNull.Value));
        Assert.Equal("-9223372036854775808", SqlLiteral.Format(long.MinValue));
        Assert.Equal("18446744073709551615", SqlLiteral.Format(ulong.MaxValue));
        Assert.Equal("1", SqlLiteral.Format(true));
        Assert.Equal("toFloat64(0.1)", SqlLiteral.Format(0.1));
        Assert.Equal("toFloat64(nan)", SqlLiteral.Format(double.NaN));
        Assert.Equal("toFloat64(-inf)", SqlLiteral.Format(double.NegativeInfinity));
        Assert.Equal("toFloat32(1.5)", SqlLiteral.Format(1.5f));
        Assert.Equal("toDecimal64('12.3400', 4)", SqlLiteral.Format(12.3400m));
        Assert.Equal("toDecimal128('1234567890123456789.5', 1)", SqlLiteral.Format(1234567890123456789.5m));
        Assert.Equal("toDate('2025-09-01')", SqlLiteral.Format(new DateOnly(2025, 9, 1)));
        Assert.Equal("toDate('2025-09-01')", SqlLiteral.Format(new DateTime(2025, 9, 1, 13, 0, 0), DbType.Date));
        Assert.Equal("toDateTime('2025-10-08 01:30:00', 'UTC')", SqlLiteral.Format(new DateTime(2025, 10, 8, 1, 30, 0, DateTimeKind.Utc)));
        Assert.Equal("toDateTime('2025-10-08 01:30:00', 'UTC')", SqlLiteral.Format(new DateTimeOffset(2025, 10, 8, 9, 30, 0, TimeSpan.FromHours(8))));
        Assert.Equal("[1, 2]", SqlLiteral.Format(new[] { 1, 2 }));
        Assert.Equal(@"['a\'b', NULL]", SqlLiteral.Format(new[] { "a'b", null }));
        Assert.Throws<NotSupportedException>(() => SqlLiteral.Format(new object()));
    }

    [Fact]
    public void Scripts_split_on_semicolons_outside_literals_and_comments()
    {
        var parts = SqlText.SplitStatements("""
            -- header; not a statement
            CREATE TABLE a (s String DEFAULT ';') ENGINE = Memory;
            /* ; */ INSERT INTO a VALUES ('x;y');
            ;
            SELECT 1
            """);
        Assert.Equal(3, parts.Count);
        Assert.StartsWith("CREATE TABLE a (s String DEFAULT ';')", parts[0], StringComparison.Ordinal);
        Assert.EndsWith("VALUES ('x;y')", parts[1], StringComparison.Ordinal);
        Assert.Equal("SELECT 1", parts[2]);
    }

    [Fact]
    public void Identifiers_are_allow_listed_before_quoting()
    {
        Assert.Equal("`observations`", SqlIdentifier.Quote("observations"));
        Assert.Throws<ArgumentException>(() => SqlIdentifier.Quote("a`b"));
        Assert.Throws<ArgumentException>(() => SqlIdentifier.Quote("a b"));
        Assert.Throws<ArgumentException>(() => SqlIdentifier.Quote("1abc"));
        Assert.Throws<ArgumentException>(() => SqlIdentifier.Quote(new StringBuilder().Append('a', 200).ToString()));
    }
}
