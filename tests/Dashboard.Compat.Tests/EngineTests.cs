using Dashboard.Compat.Tests.ChDb;

namespace Dashboard.Compat.Tests;

/// <summary>The engine under test is the modern one, and errors surface with their message and statement.</summary>
[Collection(ChDbTests.Name)]
public sealed class EngineTests(CompatFixture fixture)
{
    [Fact]
    public void Engine_is_a_current_ClickHouse()
    {
        var version = fixture.Engine.Query("SELECT version()").Trim();
        Assert.True(int.Parse(version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture) >= 24, $"chDB reports ClickHouse {version}");
    }

    [Fact]
    public void Refused_statement_names_the_engine_message_and_the_sql()
    {
        var e = Assert.Throws<ChDbException>(() => fixture.Engine.Query("SELECT * FROM no_such_table_here"));
        Assert.Contains("no_such_table_here", e.EngineMessage, StringComparison.Ordinal);
        Assert.Contains("SELECT * FROM no_such_table_here", e.Message, StringComparison.Ordinal);
    }
}
