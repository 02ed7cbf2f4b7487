using System.Text;
using Dashboard.ClickHouse.Types;

namespace Dashboard.ClickHouse.Tests.Types;

public sealed class TypeParsingTests
{
    [Theory]
    [InlineData("Int8", typeof(sbyte))]
    [InlineData("UInt64", typeof(ulong))]
    [InlineData("Float32", typeof(float))]
    [InlineData("Decimal(18, 4)", typeof(decimal))]
    [InlineData("Decimal64(4)", typeof(decimal))]
    [InlineData("FixedString(9)", typeof(string))]
    [InlineData("Nullable(Int32)", typeof(int))]
    [InlineData("DateTime('Asia/Shanghai')", typeof(DateTime))]
    [InlineData("Array(Nullable(Int32))", typeof(int?[]))]
    [InlineData("Array(Array(String))", typeof(string[][]))]
    public void Types_map_to_clr_types(string name, Type clr) => Assert.Equal(clr, ClickHouseType.Parse(name).ClrType);

    [Fact]
    public void Unsupported_types_are_refused_by_name()
    {
        var e = Assert.Throws<NotSupportedException>(() => ClickHouseType.Parse("Map(String, UInt8)"));
        Assert.Contains("Map(String, UInt8)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zoned_date_times_decode_to_utc()
    {
        var t = ClickHouseType.Parse("DateTime('Asia/Shanghai')");
        var v = (DateTime)t.Decode("2025-10-08 09:30:00"u8);
        Assert.Equal(new DateTime(2025, 10, 8, 1, 30, 0, DateTimeKind.Utc), v);
        Assert.Equal(DateTimeKind.Utc, v.Kind);
    }

    [Fact]
    public void Zero_dates_are_the_epoch()
    {
        Assert.Equal(DateTime.UnixEpoch, ClickHouseType.Parse("DateTime").Decode("0000-00-00 00:00:00"u8));
        Assert.Equal(DateTime.UnixEpoch, ClickHouseType.Parse("Date").Decode("0000-00-00"u8));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.0001")]
    [InlineData("12.3456")]
    [InlineData("1.50")]
    [InlineData("-12345678901234.5678")]
    [InlineData("9999999999999999999")]
    [InlineData("123456789012345678901234.5678")]
    [InlineData("-0.0000000001")]
    public void Decimals_decode_exactly_with_their_scale(string text)
    {
        var expected = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var actual = (decimal)ClickHouseType.Parse("Decimal(38, 10)").Decode(Encoding.ASCII.GetBytes(text));
        Assert.Equal(expected, actual);
        Assert.Equal(expected.Scale, actual.Scale);
    }

    [Fact]
    public void Escaped_strings_decode()
    {
        var s = (string)ClickHouseType.Parse("String").Decode(Encoding.UTF8.GetBytes(@"a\tb\nc\\d\'e\0"));
        Assert.Equal("a\tb\nc\\d'e\0", s);
    }
}
