using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Migrations;
using Dashboard.ClickHouse.Sql;
using Dashboard.Compat.Tests.ChDb;
using Dashboard.Compat.Tests.Corpus;
using Dashboard.Testing;

namespace Dashboard.Compat.Tests;

/// <summary>How one corpus item ended on one engine.</summary>
/// <param name="Statements">What the product sent for it (chDB side; empty for the 18.16 side).</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="Rows">Its result as text (for comparison).</param>
public sealed record Outcome(IReadOnlyList<SentStatement> Statements, Exception? Error, IReadOnlyList<string> Rows);

/// <summary>All test classes share one engine: chDB runs one engine per process (see <see cref="ChDbSession"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ChDbTests : ICollectionFixture<CompatFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "chDB";
}

/// <summary>
/// Boots chDB in a temporary folder behind the HTTP shim, applies every migration statement in order through
/// the product's provider, then runs the store corpus (which seeds the data the queries read). Outcomes are
/// recorded per item and asserted by the test cases, so each statement fails on its own. When
/// <c>DASHBOARD_TEST_CLICKHOUSE</c> is set, the same migrations and store corpus run on a throwaway database of
/// the real 18.16 server, for result comparison.
/// </summary>
public sealed class CompatFixture : IAsyncLifetime, IDisposable
{
    /// <summary>The database the corpus runs in on chDB.</summary>
    public const string DatabaseName = "compat";

    private readonly string _dataPath = Directory.CreateTempSubdirectory("dashboard-chdb-").FullName;
    private readonly Dictionary<string, Outcome> _migrations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Outcome> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Outcome> _referenceSteps = new(StringComparer.Ordinal);
    private ChDbSession? _engine;
    private ChDbHttpServer? _server;

    /// <summary>The embedded engine.</summary>
    public ChDbSession Engine => _engine ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>The shim in front of it.</summary>
    public ChDbHttpServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>The library loaded.</summary>
    public string LibraryPath { get; private set; } = "";

    /// <summary>The stores over chDB.</summary>
    public StoreContext Stores { get; private set; } = null!;

    /// <summary>The stores over the 18.16 reference database, when the server is configured.</summary>
    public StoreContext? Reference { get; private set; }

    /// <summary>Why the 18.16 reference is unavailable, or null when it is there.</summary>
    public string? ReferenceUnavailable { get; private set; }

    private TestDatabase? _referenceDatabase;

    /// <summary>The outcome of migration statement <paramref name="key"/> (see <see cref="MigrationCorpus"/>).</summary>
    public Outcome Migration(string key) => _migrations.TryGetValue(key, out var o) ? o : throw new KeyNotFoundException($"No migration statement {key} was run.");

    /// <summary>The outcome of store step <paramref name="name"/> on chDB.</summary>
    public Outcome Step(string name) => _steps[name];

    /// <summary>The outcome of store step <paramref name="name"/> on 18.16, or null without a reference server.</summary>
    public Outcome? ReferenceStep(string name) => _referenceSteps.GetValueOrDefault(name);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        LibraryPath = ChDbLibrary.Locate();
        _engine = ChDbSession.Open(LibraryPath, _dataPath);
        _server = new ChDbHttpServer(_engine);
        var cs = ClickHouseConnection.WithDatabase(_server.ConnectionString, DatabaseName);
        Stores = new StoreContext(cs);

        await using (var c = new ClickHouseConnection(_server.ConnectionString))
        {
            await c.OpenAsync();
            await using var create = c.CreateCommand("CREATE DATABASE " + SqlIdentifier.Quote(DatabaseName));
            await create.ExecuteNonQueryAsync();
        }
        await using (var c = new ClickHouseConnection(cs))
        {
            await c.OpenAsync();
            foreach (var statement in MigrationCorpus.All)
            {
                _migrations[statement.Key] = await RecordAsync(async () =>
                {
                    // As ClickHouseMigrator sends each statement: a command whose text is the split statement.
                    await using var command = c.CreateCommand(statement.Sql);
                    await command.ExecuteNonQueryAsync();
                    return [];
                });
            }
        }
        foreach (var step in StoreSteps.All)
            _steps[step.Name] = await RecordAsync(() => step.Run(Stores, CancellationToken.None));

        await PrepareReferenceAsync();
    }

    private async Task PrepareReferenceAsync()
    {
        if (Environment.GetEnvironmentVariable(TestDatabase.EnvironmentVariable) is null)
        {
            ReferenceUnavailable = $"{TestDatabase.EnvironmentVariable} is not set: results were not compared with ClickHouse 18.16.";
            return;
        }
        try
        {
            _referenceDatabase = await TestDatabase.CreateAsync("compat", Schema.Full);
        }
        catch (Exception e) when (e is ClickHouseException or MigrationException or System.Net.Http.HttpRequestException)
        {
            ReferenceUnavailable = "The 18.16 reference database could not be made: " + e.Message;
            return;
        }
        Reference = new StoreContext(_referenceDatabase.ConnectionString);
        foreach (var step in StoreSteps.All)
        {
            try
            {
                _referenceSteps[step.Name] = new Outcome([], null, await step.Run(Reference, CancellationToken.None));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Recorded, not thrown: the step's own test case reports it beside the chDB outcome.
                _referenceSteps[step.Name] = new Outcome([], e, []);
            }
        }
    }

    private async Task<Outcome> RecordAsync(Func<Task<IReadOnlyList<string>>> run)
    {
        var before = Server.Statements.Count;
        Exception? error = null;
        IReadOnlyList<string> rows = [];
        try
        {
            rows = await run();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Recorded, not thrown: every corpus item must run (later ones may not depend on this one) and its
            // own test case reports the failure with the statements sent.
            error = e;
        }
        return new Outcome(Server.Statements.Skip(before).ToList(), error, rows);
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_referenceDatabase is not null) await _referenceDatabase.DisposeAsync();
        _referenceDatabase = null;
        if (_server is not null) await _server.DisposeAsync();
        _server = null;
        _engine?.Dispose();
        _engine = null;
        if (!Directory.Exists(_dataPath)) return;
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException e)
        {
            // A file the engine still holds: the temp folder is left for the OS to clean.
            Console.Error.WriteLine($"Could not remove {_dataPath}: {e.Message}");
        }
    }
}
