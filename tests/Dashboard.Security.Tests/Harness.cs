using Dashboard.Security;
using Dashboard.Security.ApiKeys;
using Dashboard.Security.Audit;
using Dashboard.Security.Cases;
using Dashboard.Security.Setup;
using Dashboard.Security.SignIn;
using Dashboard.Security.Store;
using Dashboard.Security.Users;

namespace Dashboard.Security.Tests;

/// <summary>A clock the test moves by hand (FakeTimeProvider is not on the package mirror).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Collects audit events in memory.</summary>
public sealed class MemoryAuditSink : IAuditSink
{
    private readonly List<AuditEvent> _events = [];

    public IReadOnlyList<AuditEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        lock (_events) _events.Add(auditEvent);
        return Task.CompletedTask;
    }
}

/// <summary>A migrated SQLite store in a temp file, with every service wired to one manual clock.</summary>
public sealed class Harness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    public static readonly Actor Admin = new("secadmin", "10.0.0.1");
    public const string Address = "10.1.2.3";

    private readonly string _file;
    private readonly string? _postgresDatabase;

    private Harness(string file, SecurityOptions options, OperationalDatabase? database = null, string? postgresDatabase = null)
    {
        _file = file;
        _postgresDatabase = postgresDatabase;
        Options = options;
        Database = database ?? new OperationalDatabase(StoreProvider.Sqlite, $"Data Source={file}");
        Users = new UserStore(Database, Audit, Clock, options);
        Sessions = new SessionStore(Database, Clock, options);
        SignIn = new SignInService(Database, Users, Sessions, Audit, Clock, options);
        ApiKeys = new ApiKeyStore(Database, Audit, Clock, options);
        Cases = new CaseStore(Database, Audit, Clock);
        Setup = new FirstAdministrator(Database, Users, Audit, Clock);
    }

    public SecurityOptions Options { get; }
    public ManualClock Clock { get; } = new(Start);
    public MemoryAuditSink Audit { get; } = new();
    public OperationalDatabase Database { get; }
    public UserStore Users { get; }
    public SessionStore Sessions { get; }
    public SignInService SignIn { get; }
    public ApiKeyStore ApiKeys { get; }
    public CaseStore Cases { get; }
    public FirstAdministrator Setup { get; }

    public static async Task<Harness> CreateAsync(SecurityOptions? options = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"security-test-{Guid.NewGuid():N}.db");
        var h = new Harness(file, options ?? new SecurityOptions());
        await new StoreMigrator(h.Database).MigrateAsync(CancellationToken.None);
        return h;
    }

    /// <summary>The PostgreSQL server scripts/test.sh starts (DASHBOARD_TEST_POSTGRES).</summary>
    public static string PostgresServer => Environment.GetEnvironmentVariable("DASHBOARD_TEST_POSTGRES")
        ?? throw new InvalidOperationException("DASHBOARD_TEST_POSTGRES is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL.");

    /// <summary>A harness over a fresh database of its own on the test PostgreSQL server, migrated.</summary>
    public static async Task<Harness> CreateOnPostgresAsync(SecurityOptions? options = null)
    {
        var name = "sec_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new Npgsql.NpgsqlConnection(PostgresServer))
        {
            await admin.OpenAsync();
            await using var create = admin.CreateCommand();
            create.CommandText = "CREATE DATABASE " + name; // a generated identifier, never input
            await create.ExecuteNonQueryAsync();
        }
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ConnectionString;
        var h = new Harness("", options ?? new SecurityOptions(), new OperationalDatabase(StoreProvider.PostgreSql, connection), name);
        await new StoreMigrator(h.Database).MigrateAsync(CancellationToken.None);
        return h;
    }

    /// <summary>Creates an account and replaces its one-time password with <paramref name="password"/> through a real sign-in.</summary>
    public async Task<User> CreateUserAsync(string userName, string password, IReadOnlyList<Roles.Role> roles, IReadOnlyList<string> regions)
    {
        var created = await Users.CreateAsync(new NewUser(userName, userName, roles, regions), Admin, CancellationToken.None);
        var first = await SignIn.SignInAsync(userName, created.OneTimePassword, Address, CancellationToken.None);
        Assert.True(first.Succeeded);
        var change = await SignIn.ChangePasswordAsync(first.Ticket!.Token, created.OneTimePassword, password, Address, CancellationToken.None);
        Assert.True(change.Succeeded, string.Join("; ", change.Errors));
        await Sessions.EndAsync(first.Ticket.Token, "test setup", CancellationToken.None);
        return (await Users.GetAsync(created.User.Id, CancellationToken.None))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresDatabase is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var admin = new Npgsql.NpgsqlConnection(PostgresServer);
            await admin.OpenAsync();
            await using var drop = admin.CreateCommand();
            drop.CommandText = "DROP DATABASE IF EXISTS " + _postgresDatabase + " WITH (FORCE)";
            await drop.ExecuteNonQueryAsync();
            return;
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _file, _file + "-wal", _file + "-shm", _file + "-journal" })
            if (File.Exists(f)) File.Delete(f);
    }
}
