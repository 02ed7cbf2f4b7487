using System.Globalization;
using Dashboard.Security.Audit;
using Dashboard.Web.Common;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Audit;

/// <summary>The audit trail for the audit administrator, newest first, filtered by user, action and date.</summary>
public sealed class IndexModel(AuditLog audit) : DashboardPage
{
    [BindProperty(SupportsGet = true)] public string? UserName { get; set; }
    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        // The day boundaries are China time, as the administrator reads them.
        DateTime? Day(string? text, int plus) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.AddDays(plus).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddHours(-8) : null;
        AuditAction? action = Enum.TryParse<AuditAction>(Action, out var a) && Enum.IsDefined(a) ? a : null;
        var events = await audit.QueryAsync(new AuditQuery(Day(From, 0), Day(To, 1), string.IsNullOrWhiteSpace(UserName) ? null : UserName.Trim(), action, Limit: 500), cancellationToken);
        var table = new DataTable("audit", "审计日志（最近 500 条）",
            [new("time", "时间"), new("user", "用户"), new("address", "地址"), new("action", "操作"), new("object", "对象"), new("result", "结果"), new("detail", "详情")]);
        foreach (var e in events)
            table.Add(new Cell(Display.Time(e.Time), e.Time), e.User, e.Address, e.Action.ToString(), e.Target, e.Result.ToString(), e.Detail);
        Tables.Add(table);
        return null;
    }
}
