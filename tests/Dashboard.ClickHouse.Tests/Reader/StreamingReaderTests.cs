using Dapper;
using Dashboard.ClickHouse.Ado;

namespace Dashboard.ClickHouse.Tests.Reader;

[Collection(ClickHouseTests.Name)]
public sealed class StreamingReaderTests(ClickHouseFixture db)
{
    [Fact]
    public async Task An_endless_result_streams_row_by_row()
    {
        // system.numbers never ends: a reader that buffered the whole result would never return a row.
        await using var c = await db.OpenAsync();
        await using var cmd = c.CreateCommand("SELECT number, toString(number) AS s FROM system.numbers");
        await using var reader = await cmd.ExecuteReaderAsync(CancellationToken.None);
        ulong expected = 0;
        while (expected < 300_000 && await reader.ReadAsync())
        {
            Assert.Equal(expected, reader.GetFieldValue<ulong>(0));
            expected++;
        }
        Assert.Equal(300_000UL, expected);
    }

    [Fact]
    public async Task A_million_rows_are_read_through_a_bounded_buffer()
    {
        await using var c = await db.OpenAsync();
        using var cmd = c.CreateCommand("SELECT number AS n, concat('region-', toString(number % 1000)) AS r FROM system.numbers LIMIT 1000000");
        // Synchronous reads keep the whole loop on this thread, so the per-thread allocation count is exact.
        using var reader = cmd.ExecuteReader();
        long rows = 0;
        ulong sum = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        while (reader.Read())
        {
            sum += reader.GetFieldValue<ulong>(0);
            rows++;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1_000_000, rows);
        Assert.Equal(499_999_500_000UL, sum); // 0 + 1 + … + 999,999
        // The result is about 20 MB of text; reading numeric fields must neither materialise it nor allocate per row.
        Assert.True(allocated < 4 * 1024 * 1024, $"reading allocated {allocated:N0} bytes on this thread");
        Assert.True(reader.BufferBytes <= 1024 * 1024, $"the row buffer grew to {reader.BufferBytes:N0} bytes");
    }

    [Fact]
    public async Task An_error_in_the_middle_of_a_streamed_result_is_an_exception_not_a_short_result()
    {
        await using var c = await db.OpenAsync();
        await using var cmd = c.CreateCommand("SELECT number, throwIf(number = 150000) FROM system.numbers LIMIT 300000");
        cmd.Settings["max_block_size"] = "1000";
        await using var reader = await cmd.ExecuteReaderAsync(CancellationToken.None);
        long rows = 0;
        var e = await Assert.ThrowsAsync<ClickHouseException>(async () =>
        {
            while (await reader.ReadAsync()) rows++;
        });
        Assert.Equal(395, e.ServerCode);
        Assert.Contains("throwIf", e.ServerMessage, StringComparison.Ordinal);
        Assert.True(rows > 0 && rows <= 150_000, $"{rows} rows before the error");
    }

    [Fact]
    public async Task The_sync_reader_surfaces_the_mid_stream_error_too()
    {
        await using var c = await db.OpenAsync();
        var e = Assert.Throws<ClickHouseException>(() =>
            c.Query<ulong>("SELECT number FROM system.numbers WHERE throwIf(number = 150000) = 0 LIMIT 300000 SETTINGS max_block_size = 1000").ToList());
        Assert.Equal(395, e.ServerCode);
    }

    [Fact]
    public async Task A_string_row_that_looks_like_an_error_is_still_data_when_rows_follow()
    {
        await using var c = await db.OpenAsync();
        var rows = (await c.QueryAsync<string>(
            "SELECT arrayJoin(['Code: 60, e.displayText() = DB::Exception: not really', 'next']) AS s")).ToList();
        Assert.Equal(["Code: 60, e.displayText() = DB::Exception: not really", "next"], rows);
    }

    [Fact]
    public async Task Reader_reports_names_types_and_nulls()
    {
        await using var c = await db.OpenAsync();
        await using var reader = await c.CreateCommand(
            "SELECT toNullable(toInt32(1)) AS a, CAST(NULL AS Nullable(String)) AS b, toFixedString('ab', 4) AS c, toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0') AS u").ExecuteReaderAsync(CancellationToken.None);
        Assert.Equal(4, reader.FieldCount);
        Assert.Equal("b", reader.GetName(1));
        Assert.Equal(2, reader.GetOrdinal("C"));
        Assert.Equal("Nullable(String)", reader.GetDataTypeName(1));
        Assert.Equal(typeof(int), reader.GetFieldType(0));
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.True(reader.IsDBNull(1));
        Assert.Equal(DBNull.Value, reader.GetValue(1));
        Assert.Equal("ab", reader.GetString(2)); // FixedString's NUL padding removed
        Assert.Equal(Guid.Parse("61f0c404-5cb3-11e7-907b-a6006ad3dba0"), reader.GetGuid(3));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task Each_query_runs_under_its_own_id_found_in_the_query_log()
    {
        await using var c = await db.OpenAsync();
        await using var first = c.CreateCommand("SELECT 1");
        await first.ExecuteScalarAsync();
        var firstId = first.LastQueryId;
        await first.ExecuteScalarAsync();
        Assert.NotEqual(firstId, first.LastQueryId);

        await using var chosen = c.CreateCommand("SELECT 'marked'");
        chosen.QueryId = "test-" + Guid.NewGuid().ToString("N");
        await chosen.ExecuteScalarAsync();
        // 18.16 creates system.query_log at its first flush, and on a busy machine a flush can miss a query that
        // finished a moment before: flush and look again a few times before concluding it is not there.
        ulong logged = 0;
        for (var attempt = 0; attempt < 20 && logged == 0; attempt++)
        {
            if (attempt > 0) await Task.Delay(250);
            await c.ExecuteAsync("SYSTEM FLUSH LOGS");
            logged = await c.ExecuteScalarAsync<ulong>("SELECT count() FROM system.query_log WHERE query_id = @id", new { id = chosen.QueryId });
        }
        Assert.True(logged > 0, $"query {chosen.QueryId} is not in system.query_log");
    }
}
