using Dashboard.Security;
using Dashboard.Security.ApiKeys;
using Dashboard.Security.Audit;
using Dashboard.Security.Roles;
using Dashboard.Security.Store;
using Dashboard.Security.Users;

namespace DataGenerator;

/// <summary>
/// For scripts/bench-scale.sh: a Leader account over every top-level region (the seeded ones and the synthetic
/// provinces) in the operational store named by Security__Store__ConnectionString (a temporary SQLite file),
/// its one-time password changed as its owner would, and an API key for the OData client. The key is the only
/// output, on stdout, for the script to hand to the bench tool through the environment.
/// </summary>
internal static class BenchAccount
{
    public static async Task<string> CreateKeyAsync(IReadOnlyList<string> regions, CancellationToken ct)
    {
        var options = new SecurityOptions();
        options.Store.ConnectionString = Environment.GetEnvironmentVariable("Security__Store__ConnectionString")
            ?? throw new InvalidOperationException("Security__Store__ConnectionString is not set.");
        var database = new OperationalDatabase(options);
        await new StoreMigrator(database).MigrateAsync(ct);
        IAuditSink audit = new StderrAuditSink();
        var users = new UserStore(database, audit, TimeProvider.System, options);
        var actor = Actor.Console("bench-scale");
        var created = await users.CreateAsync(new NewUser("bench-" + Guid.NewGuid().ToString("N")[..8], "基准测试", [Role.Leader], regions), actor, ct);
        var errors = await users.ChangePasswordAsync(created.User.Id, "Qz7!" + Guid.NewGuid().ToString("N"), actor, ct);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
        var key = await new ApiKeyStore(database, audit, TimeProvider.System, options).CreateAsync(created.User.Id, "bench-scale", actor, ct);
        return key.Key;
    }
}

/// <summary>The bench account's audit events go to stderr: the throwaway store has no ClickHouse audit log worth keeping.</summary>
internal sealed class StderrAuditSink : IAuditSink
{
    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken) =>
        await Console.Error.WriteLineAsync($"[audit] {auditEvent.Action} {auditEvent.Target} {auditEvent.Result}".AsMemory(), cancellationToken);
}
