using Dashboard.ClickHouse.Ado;
using Dashboard.Testing;

namespace Dashboard.ClickHouse.Tests;

/// <summary>
/// A real ClickHouse server (started by scripts/test.sh) and a throwaway database for this test run.
/// </summary>
public sealed class ClickHouseFixture : IAsyncLifetime
{
    private TestDatabase? _db;

    /// <summary>This run's database.</summary>
    public string Database => _db!.Name;

    /// <summary>Connection string to this run's database.</summary>
    public string ConnectionString => _db!.ConnectionString;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync("test", Schema.None);

    public async Task DisposeAsync() => await _db!.DisposeAsync();

    public async Task<ClickHouseConnection> OpenAsync()
    {
        var c = new ClickHouseConnection(ConnectionString);
        await c.OpenAsync();
        return c;
    }

    /// <summary>A table name unique to the calling test.</summary>
    public static string NewTable(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..10];
}

[CollectionDefinition(Name)]
public sealed class ClickHouseTests : ICollectionFixture<ClickHouseFixture>
{
    public const string Name = "ClickHouse";
}
