namespace Dashboard.OData.Tests.Filter;

public class FilterTests
{
    [Fact]
    public void Eq_on_string_becomes_a_parameter()
    {
        var q = Tx.Obs("?$filter=RegionCode eq '320583'");
        Assert.Equal(Tx.ObsColumns + " WHERE (`region_code` = @p0) ORDER BY " + Tx.ObsKeyOrder + " LIMIT 1001", q.Sql);
        Assert.Equal(new Dictionary<string, object?> { ["p0"] = "320583" }, q.Parameters);
    }

    [Theory]
    [InlineData("Revision ne 2", "WHERE (`revision` != @p0)")]
    [InlineData("Revision gt 2", "WHERE (`revision` > @p0)")]
    [InlineData("Revision ge 2", "WHERE (`revision` >= @p0)")]
    [InlineData("Revision lt 2", "WHERE (`revision` < @p0)")]
    [InlineData("Revision le 2", "WHERE (`revision` <= @p0)")]
    public void Comparisons(string filter, string where)
    {
        Assert.Equal(where, Tx.ObsWhere("?$filter=" + filter));
        Assert.Equal(2L, Tx.Obs("?$filter=" + filter).Parameters["p0"]);
    }

    [Fact]
    public void And_or_not_keep_their_grouping()
    {
        var q = Tx.Obs("?$filter=RegionCode eq 'a' and (IndicatorCode eq 'b' or not (Revision eq 1))");
        Assert.Equal("WHERE ((`region_code` = @p0) AND ((`indicator_code` = @p1) OR (NOT (`revision` = @p2))))",
            Tx.ObsWhere("?$filter=RegionCode eq 'a' and (IndicatorCode eq 'b' or not (Revision eq 1))"));
        Assert.Equal(["a", "b", 1L], q.Parameters.Values);
        Assert.Equal(["p0", "p1", "p2"], q.Parameters.Keys);
    }

    [Fact]
    public void Decimal_literal_against_decimal_column_stays_decimal()
    {
        var q = Tx.Obs("?$filter=Value gt 0.95");
        Assert.Equal("WHERE (`value` > @p0)", Tx.ObsWhere("?$filter=Value gt 0.95"));
        Assert.Equal(0.95m, Assert.IsType<decimal>(q.Parameters["p0"]));
    }

    [Fact]
    public void Integer_literal_against_decimal_column_becomes_decimal()
    {
        var q = Tx.Obs("?$filter=Value ge 3");
        Assert.Equal(3m, Assert.IsType<decimal>(q.Parameters["p0"]));
    }

    [Fact]
    public void Arithmetic()
    {
        var q = Tx.Obs("?$filter=Numerator div Denominator sub 0.5 gt Value mul 2 add 1");
        Assert.Equal("WHERE (((`numerator` / `denominator`) - @p0) > ((`value` * @p1) + @p2))",
            Tx.ObsWhere("?$filter=Numerator div Denominator sub 0.5 gt Value mul 2 add 1"));
        Assert.Equal([0.5m, 2m, 1m], q.Parameters.Values);
    }

    [Fact]
    public void Integer_division_uses_intDiv()
    {
        Assert.Equal("WHERE (intDiv(`revision`, @p0) = @p1)", Tx.ObsWhere("?$filter=Revision div 2 eq 1"));
    }

    [Fact]
    public void String_functions()
    {
        Assert.Equal("WHERE (position(`region_code`, @p0) > 0)", Tx.ObsWhere("?$filter=contains(RegionCode,'0583')"));
        Assert.Equal("WHERE startsWith(`region_code`, @p0)", Tx.ObsWhere("?$filter=startswith(RegionCode,'32')"));
        Assert.Equal("WHERE endsWith(`indicator_code`, @p0)", Tx.ObsWhere("?$filter=endswith(IndicatorCode,'_RATE')"));
        Assert.Equal("WHERE (NOT startsWith(`region_code`, @p0))", Tx.ObsWhere("?$filter=not startswith(RegionCode,'32')"));
        Assert.Equal("WHERE (position(lowerUTF8(`indicator_code`), @p0) > 0)", Tx.ObsWhere("?$filter=contains(tolower(IndicatorCode),'rate')"));
        Assert.Equal("WHERE (upperUTF8(`region_code`) = @p0)", Tx.ObsWhere("?$filter=toupper(RegionCode) eq 'A'"));
    }

    [Fact]
    public void In_list_is_one_array_parameter()
    {
        var q = Tx.Obs("?$filter=RegionCode in ('320583','320585')");
        Assert.Equal("WHERE (`region_code` IN @p0)", Tx.ObsWhere("?$filter=RegionCode in ('320583','320585')"));
        Assert.Equal(new object?[] { "320583", "320585" }, Assert.IsType<object?[]>(q.Parameters["p0"]));
    }

    [Fact]
    public void Year_and_month_on_dates()
    {
        var q = Tx.Obs("?$filter=year(Period) eq 2023 and month(Period) le 6");
        Assert.Equal("WHERE ((toYear(`period`) = @p0) AND (toMonth(`period`) <= @p1))",
            Tx.ObsWhere("?$filter=year(Period) eq 2023 and month(Period) le 6"));
        Assert.Equal([2023L, 6L], q.Parameters.Values);
    }

    [Fact]
    public void Date_literal_is_DateOnly()
    {
        var q = Tx.Obs("?$filter=Period ge 2023-01-01");
        Assert.Equal("WHERE (`period` >= @p0)", Tx.ObsWhere("?$filter=Period ge 2023-01-01"));
        Assert.Equal(new DateOnly(2023, 1, 1), q.Parameters["p0"]);
    }

    [Fact]
    public void DateTimeOffset_literal_is_utc_DateTime()
    {
        var q = Tx.Obs("?$filter=LoadedAt lt 2023-06-30T12:00:00%2B08:00");
        var value = Assert.IsType<DateTime>(q.Parameters["p0"]);
        Assert.Equal(new DateTime(2023, 6, 30, 4, 0, 0, DateTimeKind.Utc), value);
        Assert.Equal(DateTimeKind.Utc, value.Kind);
    }

    [Fact]
    public void Null_comparisons_use_isNull()
    {
        Assert.Equal("WHERE isNull(`value`)", Tx.ObsWhere("?$filter=Value eq null"));
        Assert.Equal("WHERE isNotNull(`numerator`)", Tx.ObsWhere("?$filter=null ne Numerator"));
        Assert.Empty(Tx.Obs("?$filter=Value eq null").Parameters);
    }

    [Fact]
    public void Boolean_property_and_literal()
    {
        var q = Tx.Default.Translate("Scorecard", "Scorecard?$filter=Stale eq true and Inherited", source: "scorecard_rows");
        Assert.Contains(" FROM scorecard_rows WHERE ((`stale` = @p0) AND `inherited`) ORDER BY ", q.Sql, StringComparison.Ordinal);
        Assert.Equal(true, q.Parameters["p0"]);
    }

    [Fact]
    public void Unknown_function_is_refused()
    {
        var ex = Tx.Fails("Observations", "?$filter=trim(RegionCode) eq 'a'");
        Assert.Contains("trim", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tolower", ex.Message, StringComparison.Ordinal); // the list of what is supported
    }

    [Fact]
    public void Bad_syntax_is_wrapped()
    {
        var ex = Tx.Fails("Observations", "?$filter=RegionCode eq");
        Assert.StartsWith("Invalid $filter:", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void Type_mismatch_is_wrapped()
    {
        var ex = Tx.Fails("Observations", "?$filter=Period eq 'x'");
        Assert.StartsWith("Invalid $filter:", ex.Message, StringComparison.Ordinal);
    }
}
