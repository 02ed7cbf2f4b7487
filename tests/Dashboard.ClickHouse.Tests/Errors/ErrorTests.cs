using Dashboard.Testing;
using Dapper;
using Dashboard.ClickHouse.Ado;

namespace Dashboard.ClickHouse.Tests.Errors;

[Collection(ClickHouseTests.Name)]
public sealed class ErrorTests(ClickHouseFixture db)
{
    [Fact]
    public async Task A_query_error_carries_code_message_query_and_id()
    {
        await using var c = await db.OpenAsync();
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => c.ExecuteScalarAsync("SELECT throwIf(@x = 1)", new { x = 1 }));
        Assert.Equal(395, e.ServerCode);
        Assert.Equal(ClickHouseErrorKind.Query, e.Kind);
        Assert.Equal("SELECT throwIf(1 = 1)", e.Query);
        Assert.False(string.IsNullOrEmpty(e.QueryId));
        Assert.Contains("395", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_syntax_error_is_a_syntax_error()
    {
        await using var c = await db.OpenAsync();
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => c.ExecuteAsync("SELEC 1"));
        Assert.Equal(62, e.ServerCode);
        Assert.Equal(ClickHouseErrorKind.Syntax, e.Kind);
    }

    [Fact]
    public async Task An_unknown_table_is_an_unknown_object()
    {
        await using var c = await db.OpenAsync();
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => c.QueryAsync<int>("SELECT 1 FROM no_such_table"));
        Assert.Equal(60, e.ServerCode);
        Assert.Equal(ClickHouseErrorKind.UnknownObject, e.Kind);
        Assert.Contains("no_such_table", e.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_fails_at_open_as_authentication()
    {
        var wrong = new ClickHouseConnectionStringBuilder(TestDatabase.Server) { Password = "not-the-password" };
        await using var c = new ClickHouseConnection(wrong.ConnectionString);
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => c.OpenAsync());
        Assert.Equal(ClickHouseErrorKind.Authentication, e.Kind);
        Assert.DoesNotContain("not-the-password", e.Message, StringComparison.Ordinal);
        Assert.Equal(System.Data.ConnectionState.Closed, c.State);
    }

    [Fact]
    public async Task A_server_that_is_down_gives_a_connection_exception_quickly()
    {
        // Port 1 on loopback: nothing listens there, so the connect is refused at once.
        var down = new ClickHouseConnectionStringBuilder(TestDatabase.Server) { Port = 1 };
        await using var c = new ClickHouseConnection(down.ConnectionString);
        var e = await Assert.ThrowsAsync<ClickHouseConnectionException>(() => c.OpenAsync());
        Assert.Contains("127.0.0.1:1", e.Message, StringComparison.Ordinal);
        Assert.Throws<ClickHouseConnectionException>(() => new ClickHouseConnection(down.ConnectionString).Open());
    }

    [Fact]
    public async Task A_missing_parameter_is_named()
    {
        await using var c = await db.OpenAsync();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => c.ExecuteScalarAsync("SELECT @missing"));
        Assert.Contains("@missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_kills_the_query_and_says_so()
    {
        await using var c = await db.OpenAsync();
        await using var cmd = c.CreateCommand("SELECT count() FROM system.numbers WHERE sipHash64(number) = 1");
        cmd.CommandTimeout = 1;
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => cmd.ExecuteScalarAsync());
        Assert.Equal(ClickHouseErrorKind.Timeout, e.Kind);
        Assert.True(await Eventually.GoneAsync(c, cmd.LastQueryId!), "the query still runs on the server");
    }

    [Fact]
    public async Task Cancelling_stops_the_query_on_the_server()
    {
        await using var c = await db.OpenAsync();
        await using var cmd = c.CreateCommand("SELECT count() FROM system.numbers WHERE sipHash64(number) = 1");
        cmd.QueryId = "cancel-" + Guid.NewGuid().ToString("N");
        cmd.CommandTimeout = 0;
        using var cts = new CancellationTokenSource();
        var running = cmd.ExecuteScalarAsync(cts.Token);
        Assert.True(await Eventually.RunningAsync(c, cmd.QueryId), "the query never started");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.True(await Eventually.GoneAsync(c, cmd.QueryId), "the query still runs on the server after cancellation");
    }

    [Fact]
    public async Task Cancelling_a_reader_mid_stream_stops_the_query_on_the_server()
    {
        await using var c = await db.OpenAsync();
        await using var cmd = c.CreateCommand("SELECT number FROM system.numbers WHERE sipHash64(number) % 1000 = 0");
        cmd.QueryId = "cancel-read-" + Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource();
        await using var reader = await cmd.ExecuteReaderAsync(cts.Token);
        Assert.True(await reader.ReadAsync(cts.Token));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (await reader.ReadAsync(cts.Token)) { }
        });
        Assert.True(await Eventually.GoneAsync(c, cmd.QueryId), "the query still runs on the server after cancellation");
    }
}

/// <summary>Bounded polling of system.processes (no wall-clock assertion: it only bounds the wait).</summary>
internal static class Eventually
{
    public static Task<bool> RunningAsync(ClickHouseConnection c, string queryId) => WaitAsync(c, queryId, present: true);

    public static Task<bool> GoneAsync(ClickHouseConnection c, string queryId) => WaitAsync(c, queryId, present: false);

    private static async Task<bool> WaitAsync(ClickHouseConnection c, string queryId, bool present)
    {
        for (var i = 0; i < 150; i++)
        {
            var n = await c.ExecuteScalarAsync<ulong>("SELECT count() FROM system.processes WHERE query_id = @id", new { id = queryId });
            if (n > 0 == present) return true;
            await Task.Delay(100);
        }
        return false;
    }
}
