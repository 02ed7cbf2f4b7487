using Dapper;
using Dashboard.Security.Audit;
using Dashboard.Security.Roles;
using Dashboard.Security.Store;
using Dashboard.Security.Users;

namespace Dashboard.Security.Setup;

/// <summary>
/// Creates the first SecurityAdmin, the only account not created by another administrator. There is
/// no default or shared account: this runs from the operator's console (Dashboard.Admin create-admin),
/// prints a one-time password that must be changed at first sign-in, and refuses once any
/// SecurityAdmin exists (disabled ones included), so it cannot be used to take over an installation.
/// </summary>
public sealed class FirstAdministrator(OperationalDatabase database, UserStore users, IAuditSink audit, TimeProvider clock)
{
    /// <summary>Creates the first SecurityAdmin named <paramref name="userName"/>.</summary>
    /// <exception cref="UserStoreException">A SecurityAdmin already exists, or the name is not valid.</exception>
    public async Task<CreatedUser> CreateAsync(string userName, CancellationToken cancellationToken)
    {
        var actor = Actor.Console("setup");
        CreatedUser created;
        await using (var c = await database.OpenAsync(cancellationToken))
        await using (var tx = await database.BeginWriteAsync(c, cancellationToken))
        {
            // Checked inside the write transaction, so two concurrent setups cannot both pass.
            var admins = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM user_roles WHERE role = @role",
                new { role = nameof(Role.SecurityAdmin) }, tx, cancellationToken: cancellationToken));
            if (admins > 0)
            {
                await tx.RollbackAsync(cancellationToken);
                await audit.WriteAsync(new AuditEvent(clock.GetUtcNow().UtcDateTime, actor.UserName, actor.Address, AuditAction.SetupAdministrator,
                    userName ?? "", AuditResult.Denied, "a SecurityAdmin already exists"), cancellationToken);
                throw new UserStoreException("已存在安全管理员，初始化命令不再可用；请由现有安全管理员创建账户");
            }
            created = await users.CreateCoreAsync(c, tx, new NewUser(userName ?? "", "安全管理员", [Role.SecurityAdmin], []), cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        await audit.WriteAsync(new AuditEvent(clock.GetUtcNow().UtcDateTime, actor.UserName, actor.Address, AuditAction.SetupAdministrator,
            created.User.UserName, AuditResult.Success, "first SecurityAdmin created with a one-time password"), cancellationToken);
        return created;
    }
}
