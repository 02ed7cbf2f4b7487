using Dapper;
using Dashboard.ClickHouse.Ado;

namespace Dashboard.ClickHouse.Tests.DapperTests;

[Collection(ClickHouseTests.Name)]
public sealed class DapperRoundTripTests(ClickHouseFixture db)
{
    private static readonly string[] Hostile =
    [
        "it's",
        @"back\slash",
        @"ends with backslash\",
        "new\nline and \r carriage",
        "tab\there",
        "nul\0byte",
        "-- comment",
        "/* block */",
        "@x",
        "@s",
        "emoji 😀🎓",
        "流动儿童公办学校就读比例",
        "'; DROP TABLE users; --",
        "' OR '1'='1",
        @"\' OR 1=1 --",
        "\\'; SELECT 1; --",
        "{p:String}",
        "\"double\" and `back` quotes",
        "",
        new string('x', 100_000),
    ];

    public static TheoryData<string> HostileStrings => new(Hostile);

    [Theory]
    [MemberData(nameof(HostileStrings))]
    public async Task String_parameters_come_back_byte_for_byte(string value)
    {
        await using var c = await db.OpenAsync();
        var back = await c.QuerySingleAsync<string>("SELECT @s AS s", new { s = value });
        Assert.Equal(value, back);
    }

    [Fact]
    public async Task Injection_strings_are_stored_as_data_and_the_table_survives()
    {
        await using var c = await db.OpenAsync();
        var table = ClickHouseFixture.NewTable("inj");
        await c.ExecuteAsync($"CREATE TABLE {table} (id UInt32, s String) ENGINE = MergeTree ORDER BY id");
        var values = Hostile;
        for (var i = 0; i < values.Length; i++)
            await c.ExecuteAsync($"INSERT INTO {table} (id, s) VALUES (@id, @s)", new { id = i, s = values[i] });

        var stored = (await c.QueryAsync<(uint Id, string S)>($"SELECT id, s FROM {table} ORDER BY id")).ToArray();
        Assert.Equal(values.Length, stored.Length);
        for (var i = 0; i < values.Length; i++) Assert.Equal(values[i], stored[i].S);
        Assert.Equal(1UL, c.ExecuteScalar<ulong>("SELECT count() FROM system.tables WHERE database = @db AND name = @t", new { db = db.Database, t = table }));
    }

    public sealed class AllTypes
    {
        public uint Id { get; set; }
        public sbyte I8 { get; set; }
        public short I16 { get; set; }
        public int I32 { get; set; }
        public long I64 { get; set; }
        public byte U8 { get; set; }
        public ushort U16 { get; set; }
        public uint U32 { get; set; }
        public ulong U64 { get; set; }
        public float F32 { get; set; }
        public double F64 { get; set; }
        public decimal Dec { get; set; }
        public string S { get; set; } = "";
        public string Fs { get; set; } = "";
        public DateTime D { get; set; }
        public DateTime Dt { get; set; }
        public string? Ns { get; set; }
        public int? Ni { get; set; }
        public decimal? Nd { get; set; }
        public DateTime? Ndt { get; set; }
    }

    private const string AllTypesColumns = """
        id UInt32, i8 Int8, i16 Int16, i32 Int32, i64 Int64, u8 UInt8, u16 UInt16, u32 UInt32, u64 UInt64,
        f32 Float32, f64 Float64, dec Decimal(18, 4), s String, fs FixedString(8), d Date, dt DateTime,
        ns Nullable(String), ni Nullable(Int32), nd Nullable(Decimal(18, 4)), ndt Nullable(DateTime)
        """;

    private static readonly AllTypes Extremes = new()
    {
        Id = 1, I8 = sbyte.MinValue, I16 = short.MinValue, I32 = int.MinValue, I64 = long.MinValue,
        U8 = byte.MaxValue, U16 = ushort.MaxValue, U32 = uint.MaxValue, U64 = ulong.MaxValue,
        F32 = 1.5f, F64 = -1.0e300, Dec = -12345678901234.5678m, S = "流动儿童 it's \\ \t\n", Fs = "320583",
        D = new DateTime(2025, 9, 1), Dt = new DateTime(2025, 10, 8, 1, 30, 0, DateTimeKind.Utc),
        Ns = null, Ni = null, Nd = null, Ndt = null,
    };

    private static readonly AllTypes Ordinary = new()
    {
        Id = 2, I8 = 127, I16 = 32767, I32 = 18234, I64 = 9_007_199_254_740_993, U8 = 0, U16 = 1, U32 = 21010, U64 = 42,
        F32 = -0.25f, F64 = 0.1, Dec = 0.0001m, S = "", Fs = "abcdefgh",
        D = new DateTime(1970, 1, 2), Dt = new DateTime(2105, 12, 31, 23, 59, 59, DateTimeKind.Utc), // 18.16's DateTime ends in 2105
        Ns = "昆山", Ni = -7, Nd = 99.9999m, Ndt = new DateTime(2023, 12, 31, 23, 59, 59, DateTimeKind.Utc),
    };

    private async Task<(ClickHouseConnection Connection, string Table)> AllTypesTableAsync()
    {
        var c = await db.OpenAsync();
        var table = ClickHouseFixture.NewTable("types");
        await c.ExecuteAsync($"CREATE TABLE {table} ({AllTypesColumns}) ENGINE = MergeTree ORDER BY id");
        const string insert = """
            INSERT INTO {0} (id, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, dec, s, fs, d, dt, ns, ni, nd, ndt)
            VALUES (@Id, @I8, @I16, @I32, @I64, @U8, @U16, @U32, @U64, @F32, @F64, @Dec, @S, @Fs, @D, @Dt, @Ns, @Ni, @Nd, @Ndt)
            """;
        // Dapper runs the statement once per element, each with its own parameters.
        await c.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, insert, table), new[] { Extremes, Ordinary });
        return (c, table);
    }

    private static void AssertSame(AllTypes expected, AllTypes actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.I8, actual.I8);
        Assert.Equal(expected.I16, actual.I16);
        Assert.Equal(expected.I32, actual.I32);
        Assert.Equal(expected.I64, actual.I64);
        Assert.Equal(expected.U8, actual.U8);
        Assert.Equal(expected.U16, actual.U16);
        Assert.Equal(expected.U32, actual.U32);
        Assert.Equal(expected.U64, actual.U64);
        Assert.Equal(expected.F32, actual.F32);
        Assert.Equal(expected.F64, actual.F64);
        Assert.Equal(expected.Dec, actual.Dec);
        Assert.Equal(expected.S, actual.S);
        Assert.Equal(expected.Fs, actual.Fs);
        Assert.Equal(expected.D, actual.D);
        Assert.Equal(expected.Dt, actual.Dt);
        Assert.Equal(DateTimeKind.Utc, actual.Dt.Kind);
        Assert.Equal(expected.Ns, actual.Ns);
        Assert.Equal(expected.Ni, actual.Ni);
        Assert.Equal(expected.Nd, actual.Nd);
        Assert.Equal(expected.Ndt, actual.Ndt);
    }

    [Fact]
    public async Task Query_maps_every_type_with_sync_Query()
    {
        var (c, table) = await AllTypesTableAsync();
        await using var _ = c;
        var rows = c.Query<AllTypes>($"SELECT * FROM {table} ORDER BY id").ToList();
        Assert.Equal(2, rows.Count);
        AssertSame(Extremes, rows[0]);
        AssertSame(Ordinary, rows[1]);
    }

    [Fact]
    public async Task QueryAsync_maps_every_type()
    {
        var (c, table) = await AllTypesTableAsync();
        await using var _ = c;
        var rows = (await c.QueryAsync<AllTypes>($"SELECT * FROM {table} ORDER BY id")).ToList();
        AssertSame(Extremes, rows[0]);
        AssertSame(Ordinary, rows[1]);
    }

    [Fact]
    public async Task QueryFirstOrDefault_filters_with_parameters_of_each_type()
    {
        var (c, table) = await AllTypesTableAsync();
        await using var _ = c;
        var o = Ordinary;
        var hit = await c.QueryFirstOrDefaultAsync<AllTypes>(
            $"""
            SELECT * FROM {table}
            WHERE i8 = @I8 AND i16 = @I16 AND i32 = @I32 AND i64 = @I64 AND u8 = @U8 AND u16 = @U16 AND u32 = @U32
              AND u64 = @U64 AND f32 = @F32 AND f64 = @F64 AND dec = @Dec AND s = @S AND fs = @Fs AND d = @Day AND dt = @Dt
              AND ns = @Ns AND ni = @Ni AND nd = @Nd AND ndt = @Ndt
            """, WithDay(o));
        Assert.NotNull(hit);
        AssertSame(o, hit);
        var miss = c.QueryFirstOrDefault<AllTypes>($"SELECT * FROM {table} WHERE s = @s", new { s = "' OR 1=1 --" });
        Assert.Null(miss);
    }

    // A Date column is compared with a DateOnly: 18.16 refuses Date = DateTime.
    private static DynamicParameters WithDay(AllTypes o)
    {
        var p = new DynamicParameters(o);
        p.Add("Day", DateOnly.FromDateTime(o.D));
        return p;
    }

    [Fact]
    public async Task ExecuteScalar_returns_typed_values_and_null()
    {
        await using var c = await db.OpenAsync();
        Assert.Equal(3L, c.ExecuteScalar<long>("SELECT toInt64(@a) + toInt64(@b)", new { a = 1, b = 2 }));
        Assert.Equal(12.3457m, await c.ExecuteScalarAsync<decimal>("SELECT toDecimal64(@d, 4)", new { d = 12.3457m }));
        Assert.Null(await c.ExecuteScalarAsync<int?>("SELECT CAST(NULL AS Nullable(Int32))"));
        Assert.Null(await c.ExecuteScalarAsync<string>("SELECT @s", new { s = (string?)null }));
    }

    [Fact]
    public async Task Decimals_with_four_places_are_exact_through_sums()
    {
        await using var c = await db.OpenAsync();
        var table = ClickHouseFixture.NewTable("dec");
        await c.ExecuteAsync($"CREATE TABLE {table} (v Decimal(18, 4)) ENGINE = MergeTree ORDER BY tuple()");
        var values = new[] { 0.1000m, 0.2000m, 1234.5678m, -0.0001m };
        foreach (var v in values) await c.ExecuteAsync($"INSERT INTO {table} (v) VALUES (@v)", new { v });
        // 0.1 + 0.2 + 1234.5678 - 0.0001 = 1234.8677, exactly (no binary floating point on the way).
        Assert.Equal(1234.8677m, await c.ExecuteScalarAsync<decimal>($"SELECT sum(v) FROM {table}"));
    }

    [Fact]
    public async Task Dates_and_DateOnly_round_trip()
    {
        await using var c = await db.OpenAsync();
        var day = new DateOnly(2023, 9, 1);
        var back = await c.QuerySingleAsync<DateTime>("SELECT toDate(@d)", new { d = day });
        Assert.Equal(new DateTime(2023, 9, 1), back);
        var reader = await c.ExecuteReaderAsync("SELECT toDate('2025-12-31') AS d");
        Assert.True(await reader.ReadAsync());
        Assert.Equal(new DateOnly(2025, 12, 31), reader.GetFieldValue<DateOnly>(0));
    }

    [Fact]
    public async Task DateTime_in_a_zoned_column_reads_back_as_the_same_instant()
    {
        await using var c = await db.OpenAsync();
        var instant = new DateTime(2025, 10, 8, 1, 30, 0, DateTimeKind.Utc); // 09:30 in Beijing
        var back = await c.QuerySingleAsync<DateTime>("SELECT toTimeZone(@t, 'Asia/Shanghai')", new { t = instant });
        Assert.Equal(instant, back);
        var table = ClickHouseFixture.NewTable("zoned");
        await c.ExecuteAsync($"CREATE TABLE {table} (t DateTime('Asia/Shanghai')) ENGINE = Memory");
        await c.ExecuteAsync($"INSERT INTO {table} (t) VALUES (@t)", new { t = instant });
        Assert.Equal("2025-10-08 09:30:00", await c.QuerySingleAsync<string>($"SELECT toString(t) FROM {table}"));
        Assert.Equal(instant, await c.QuerySingleAsync<DateTime>($"SELECT t FROM {table}"));
    }

    [Fact]
    public async Task Arrays_are_read_as_arrays()
    {
        await using var c = await db.OpenAsync();
        var reader = await c.ExecuteReaderAsync(
            "SELECT [1, 2, 3] AS i, ['a''b', 'c\\\\d', '流动'] AS s, [NULL, 5] AS n, [toDate('2024-01-02')] AS d, [[1], [], [2, 3]] AS nested, emptyArrayString() AS e, [toDecimal64('1.2345', 4)] AS m");
        Assert.True(await reader.ReadAsync());
        Assert.Equal(new byte[] { 1, 2, 3 }, reader.GetFieldValue<byte[]>(0));
        Assert.Equal(new[] { "a'b", @"c\d", "流动" }, reader.GetFieldValue<string[]>(1));
        Assert.Equal(new byte?[] { null, 5 }, reader.GetFieldValue<byte?[]>(2));
        Assert.Equal(new[] { new DateTime(2024, 1, 2) }, reader.GetFieldValue<DateTime[]>(3));
        var nested = reader.GetFieldValue<byte[][]>(4);
        Assert.Equal(3, nested.Length);
        Assert.Empty(nested[1]);
        Assert.Equal(new byte[] { 2, 3 }, nested[2]);
        Assert.Empty(reader.GetFieldValue<string[]>(5));
        Assert.Equal(new[] { 1.2345m }, reader.GetFieldValue<decimal[]>(6));
    }

    [Fact]
    public async Task Array_parameters_are_arrays_and_lists_after_IN_are_sets()
    {
        await using var c = await db.OpenAsync();
        var table = ClickHouseFixture.NewTable("arr");
        await c.ExecuteAsync($"CREATE TABLE {table} (id UInt32, tags Array(String), nums Array(Int64)) ENGINE = MergeTree ORDER BY id");
        var tags = new[] { "it's", "a,b", "[x]", "流动" };
        await c.ExecuteAsync($"INSERT INTO {table} (id, tags, nums) VALUES (1, @tags, @nums)",
            new { tags, nums = new long[] { -1, 0, long.MaxValue } });
        var row = await c.QuerySingleAsync<(string[] Tags, long[] Nums)>($"SELECT tags, nums FROM {table}");
        Assert.Equal(tags, row.Tags);
        Assert.Equal(new long[] { -1, 0, long.MaxValue }, row.Nums);
        // Dapper hands a ClickHouseConnection arrays whole; right after IN the provider writes a set.
        Assert.Equal(1UL, await c.ExecuteScalarAsync<ulong>($"SELECT count() FROM {table} WHERE id IN @ids", new { ids = new[] { 1, 2 } }));
        Assert.Equal(0UL, await c.ExecuteScalarAsync<ulong>($"SELECT count() FROM {table} WHERE id IN @ids", new { ids = Array.Empty<int>() }));
        Assert.Equal(1UL, await c.ExecuteScalarAsync<ulong>($"SELECT count() FROM {table} WHERE hasAny(tags, @any)", new { any = new[] { "x", "流动" } }));
        Assert.Equal(1UL, await c.ExecuteScalarAsync<ulong>($"SELECT count() FROM {table} WHERE has(tags, @t)", new { t = "a,b" }));
    }

    [Fact]
    public async Task At_signs_inside_literals_identifiers_and_comments_are_left_alone()
    {
        await using var c = await db.OpenAsync();
        var row = await c.QuerySingleAsync<(string A, string B, string C)>(
            """
            SELECT '@p' AS `a@b`, -- @p in a comment
                   /* @p in a block comment */ @p AS "b", 'x@p''@p' AS c
            """, new { p = "value" });
        Assert.Equal("@p", row.A);
        Assert.Equal("value", row.B);
        Assert.Equal("x@p'@p", row.C);
    }
}
