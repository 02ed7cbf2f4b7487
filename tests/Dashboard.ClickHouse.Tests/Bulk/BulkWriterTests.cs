using Dapper;
using Dashboard.ClickHouse.Ado;

namespace Dashboard.ClickHouse.Tests.Bulk;

[Collection(ClickHouseTests.Name)]
public sealed class BulkWriterTests(ClickHouseFixture db)
{
    private sealed record Obs(string Region, string Indicator, DateOnly Period, decimal? Numerator, decimal? Denominator, uint Revision, DateTime LoadedAt);

    private static IEnumerable<Obs> Generate(int count)
    {
        for (var i = 0; i < count; i++)
            yield return new Obs($"320583{i % 97:D3}", i % 3 == 0 ? "PUBLIC_ABSORPTION" : "流动儿童\t'x'", new DateOnly(2019 + i % 7, 1 + i % 12, 1),
                i % 10 == 0 ? null : i * 0.0001m, 1000m + i % 50, (uint)(i % 4), new DateTime(2025, 10, 8, 1, 30, 0, DateTimeKind.Utc).AddSeconds(i));
    }

    private static async Task<(ClickHouseConnection, string)> TableAsync(ClickHouseConnection c)
    {
        var table = ClickHouseFixture.NewTable("bulk");
        await c.ExecuteAsync($"""
            CREATE TABLE {table} (region String, indicator String, period Date, numerator Nullable(Decimal(18, 4)),
                                  denominator Nullable(Decimal(18, 4)), revision UInt32, loaded_at DateTime)
            ENGINE = MergeTree ORDER BY (indicator, region, period)
            """);
        return (c, table);
    }

    private static readonly string[] Columns = ["region", "indicator", "period", "numerator", "denominator", "revision", "loaded_at"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Typed_rows_stream_in_and_sum_exactly(bool compression)
    {
        var cs = new ClickHouseConnectionStringBuilder(db.ConnectionString) { Compression = compression };
        await using var c = new ClickHouseConnection(cs.ConnectionString);
        await c.OpenAsync();
        var (_, table) = await TableAsync(c);
        const int n = 200_000;
        var written = await c.CreateBulkWriter(table, Columns).WriteAsync(Generate(n), (o, w) => w
            .String(o.Region).String(o.Indicator).Date(o.Period).Decimal(o.Numerator).Decimal(o.Denominator).UInt64(o.Revision).DateTime(o.LoadedAt),
            CancellationToken.None);
        Assert.Equal(n, written);

        var expected = Generate(n).ToList();
        var stats = await c.QuerySingleAsync<(ulong Rows, decimal Num, ulong Nulls, ulong Tabbed, DateTime MaxLoaded)>(
            $"SELECT count(), sum(numerator), countIf(isNull(numerator)), countIf(indicator = @tricky), max(loaded_at) FROM {table}",
            new { tricky = "流动儿童\t'x'" });
        Assert.Equal((ulong)n, stats.Rows);
        Assert.Equal(expected.Sum(o => o.Numerator ?? 0), stats.Num);
        Assert.Equal((ulong)expected.Count(o => o.Numerator is null), stats.Nulls);
        Assert.Equal((ulong)expected.Count(o => o.Indicator != "PUBLIC_ABSORPTION"), stats.Tabbed);
        Assert.Equal(expected.Max(o => o.LoadedAt), stats.MaxLoaded);
    }

    [Fact]
    public async Task Object_rows_from_an_async_source_round_trip_each_value()
    {
        await using var c = await db.OpenAsync();
        var (_, table) = await TableAsync(c);
        var rows = Generate(1000).ToList();
        var written = await c.CreateBulkWriter(table, Columns).WriteAsync(AsAsync(rows.Select(o => new object?[]
            { o.Region, o.Indicator, o.Period, o.Numerator, o.Denominator, o.Revision, o.LoadedAt })), CancellationToken.None);
        Assert.Equal(1000, written);
        var back = (await c.QueryAsync<(string Region, string Indicator, DateTime Period, decimal? Numerator, decimal? Denominator, uint Revision, DateTime LoadedAt)>(
            $"SELECT * FROM {table} ORDER BY loaded_at")).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Region, back[i].Region);
            Assert.Equal(rows[i].Indicator, back[i].Indicator);
            Assert.Equal(rows[i].Period.ToDateTime(TimeOnly.MinValue), back[i].Period);
            Assert.Equal(rows[i].Numerator, back[i].Numerator);
            Assert.Equal(rows[i].Revision, back[i].Revision);
            Assert.Equal(rows[i].LoadedAt, back[i].LoadedAt);
        }
    }

    [Fact]
    public async Task Arrays_bulk_write_and_read_back()
    {
        await using var c = await db.OpenAsync();
        var table = ClickHouseFixture.NewTable("bulkarr");
        await c.ExecuteAsync($"CREATE TABLE {table} (id UInt32, tags Array(String), days Array(Date)) ENGINE = MergeTree ORDER BY id");
        await c.CreateBulkWriter(table, ["id", "tags", "days"]).WriteAsync(
            [new object?[] { 1u, new[] { "a'b", "c\td", "责任单位" }, new[] { new DateOnly(2024, 1, 2) } }], CancellationToken.None);
        var row = await c.QuerySingleAsync<(string[] Tags, DateTime[] Days)>($"SELECT tags, days FROM {table}");
        Assert.Equal(["a'b", "c\td", "责任单位"], row.Tags);
        Assert.Equal([new DateTime(2024, 1, 2)], row.Days);
    }

    [Fact]
    public async Task A_row_with_the_wrong_number_of_values_is_refused_with_its_number()
    {
        await using var c = await db.OpenAsync();
        var (_, table) = await TableAsync(c);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => c.CreateBulkWriter(table, Columns)
            .WriteAsync([new object?[] { "a", "b" }], CancellationToken.None));
        Assert.Contains("2 values where 7 columns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_the_server_cannot_parse_is_a_ClickHouse_error()
    {
        await using var c = await db.OpenAsync();
        var table = ClickHouseFixture.NewTable("bulkbad");
        await c.ExecuteAsync($"CREATE TABLE {table} (n UInt32) ENGINE = MergeTree ORDER BY n");
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => c.CreateBulkWriter(table, ["n"])
            .WriteAsync([new object?[] { "not a number" }], CancellationToken.None));
        Assert.NotEqual(0, e.ServerCode);
    }

    [Fact]
    public void Table_and_column_names_must_be_plain_identifiers()
    {
        using var c = new ClickHouseConnection(db.ConnectionString);
        Assert.Throws<ArgumentException>(() => c.CreateBulkWriter("t; DROP TABLE x", ["a"]));
        Assert.Throws<ArgumentException>(() => c.CreateBulkWriter("t", ["a`b"]));
    }

    private static async IAsyncEnumerable<T> AsAsync<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }
}
