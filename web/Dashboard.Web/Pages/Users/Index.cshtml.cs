using Dashboard.Security.Audit;
using Dashboard.Security.Roles;
using Dashboard.Security.Users;
using Dashboard.Web.Common;
using Dashboard.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Users;

/// <summary>Accounts for the security administrator: list, create (one-time password shown once), disable, enable, reset.</summary>
public sealed class IndexModel(UserStore users) : DashboardPage
{
    [BindProperty] public string? NewUserName { get; set; }
    [BindProperty] public string? NewDisplayName { get; set; }
    [BindProperty] public string? NewRole { get; set; }
    [BindProperty] public string? NewRegions { get; set; }
    [BindProperty] public string? UserId { get; set; }

    public string? OneTimePassword { get; private set; }
    public string? OneTimeFor { get; private set; }
    public string? FormError { get; private set; }
    public IReadOnlyList<User> Accounts { get; private set; } = [];

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        Accounts = await users.ListAsync(cancellationToken);
        var table = new DataTable("users", "账户",
            [new("name", "用户名"), new("display", "姓名"), new("roles", "角色"), new("regions", "管辖地区"), new("state", "状态"), new("changed", "密码修改时间")]);
        foreach (var u in Accounts)
            table.Add(u.UserName, u.DisplayName, string.Join("、", u.Roles), string.Join("、", u.Regions),
                u.Disabled ? "已停用" : u.LockedUntil is { } l && l > DateTimeOffset.UtcNow ? "已锁定" : u.MustChangePassword ? "待改密" : "正常",
                Display.Time(u.PasswordChangedAt));
        Tables.Add(table);
        return null;
    }

    private Actor Actor => new(User.Identity?.Name ?? "-", ClientAddress.Of(HttpContext));

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var roles = RoleRules.Parse([NewRole ?? ""]);
            var regions = (NewRegions ?? "").Split([',', '、', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var created = await users.CreateAsync(new NewUser(NewUserName ?? "", NewDisplayName ?? "", roles, regions), Actor, cancellationToken);
            (OneTimePassword, OneTimeFor) = (created.OneTimePassword, created.User.UserName);
        }
        catch (Exception e) when (e is UserStoreException or RoleSeparationException or ArgumentException)
        {
            FormError = e.Message;
        }
        return await OnGetAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken) => ActAsync(() => users.DisableAsync(UserId ?? "", Actor, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken) => ActAsync(() => users.EnableAsync(UserId ?? "", Actor, cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostResetAsync(CancellationToken cancellationToken)
    {
        try
        {
            OneTimePassword = await users.ResetPasswordAsync(UserId ?? "", Actor, cancellationToken);
            OneTimeFor = (await users.GetAsync(UserId ?? "", cancellationToken))?.UserName;
        }
        catch (UserStoreException e)
        {
            FormError = e.Message;
        }
        return await OnGetAsync(cancellationToken);
    }

    private async Task<IActionResult> ActAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
        }
        catch (UserStoreException e)
        {
            FormError = e.Message;
        }
        return await OnGetAsync(cancellationToken);
    }
}
