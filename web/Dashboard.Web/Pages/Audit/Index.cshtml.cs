using System.Globalization;
using Dashboard.Security.Audit;
using Dashboard.Web.Api;
using Dashboard.Web.Common;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Audit;

/// <summary>
/// The audit trail for the audit administrator, read through the api's AuditEvents set as the signed-in user
/// (so the api's role check applies and the web holds no ClickHouse read of its own). Filtering, sorting and
/// paging are OData options: ClickHouse does them over the whole trail, not over one screen of rows.
/// </summary>
public sealed class IndexModel(ApiClient api) : DashboardPage
{
    public const int PageSize = 100;

    /// <summary>A CSV export holds at most this many rows (newest first under the chosen filter and order).</summary>
    public const int ExportLimit = 10_000;

    [BindProperty(SupportsGet = true)] public string? UserName { get; set; }
    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public string? Result { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int PageNumber { get; set; } = 1;

    public long Total { get; private set; }
    public int PageCount => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>Table column → OData property it sorts by.</summary>
    private static readonly Dictionary<string, string> SortProperties = new(StringComparer.Ordinal)
    {
        ["time"] = "Time", ["user"] = "User", ["address"] = "Address", ["action"] = "Action", ["object"] = "Object", ["result"] = "Result", ["detail"] = "Detail",
    };

    // What the text box searches.
    private static readonly string[] TextProperties = ["Object", "Detail", "User"];

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        var table = new DataTable("audit", "审计日志",
            [new("time", "时间"), new("user", "用户"), new("address", "地址"), new("action", "操作"), new("object", "对象"), new("result", "结果"), new("detail", "详情")])
        { ServerSide = true };
        Tables.Add(table);

        var filter = ODataQuery.And(
            string.IsNullOrWhiteSpace(UserName) ? null : ODataQuery.Eq("User", UserName.Trim()),
            Enum.TryParse<AuditAction>(Action, out var a) && Enum.IsDefined(a) ? ODataQuery.Eq("Action", a.ToString()) : null,
            Enum.TryParse<AuditResult>(Result, out var r) && Enum.IsDefined(r) ? ODataQuery.Eq("Result", r.ToString()) : null,
            Day(From, 0) is { } from ? $"Time ge {ODataQuery.Literal(from)}" : null,
            Day(To, 1) is { } to ? $"Time lt {ODataQuery.Literal(to)}" : null,
            Request.Query[table.FilterParam].ToString().Trim() is { Length: > 0 and <= 100 } text
                // Case-insensitive, as the page's other filters are (tolower maps to ClickHouse's lowerUTF8).
                ? string.Join(" or ", TextProperties.Select(p => $"contains(tolower({p}),{ODataQuery.Literal(text.ToLowerInvariant())})"))
                : null);
        var orderBy = SortProperties.TryGetValue(Request.Query[table.SortParam].ToString(), out var property)
            ? property + (Request.Query[table.DirectionParam] == "desc" ? " desc" : "") + (property == "Time" ? "" : ",Time desc")
            : "Time desc";

        IReadOnlyList<AuditEventRow> events;
        if (Exporting)
        {
            events = await api.ListAsync<AuditEventRow>("AuditEvents", new ODataQuery { Filter = filter, OrderBy = orderBy, Top = ExportLimit }, cancellationToken);
            Total = events.Count;
        }
        else
        {
            PageNumber = Math.Max(1, PageNumber);
            var page = await api.PageAsync<AuditEventRow>("AuditEvents",
                new ODataQuery { Filter = filter, OrderBy = orderBy, Top = PageSize, Skip = (PageNumber - 1) * PageSize, Count = true }, cancellationToken);
            events = page.Rows;
            Total = page.Count ?? events.Count;
        }
        foreach (var e in events)
            table.Add(new Cell(Display.Time(e.Time), e.Time), e.User, e.Address, ActionName(e.Action), e.Target, ResultName(e.Result), e.Detail);
        return null;
    }

    /// <summary>A date typed in China time → the UTC instant its day (plus <paramref name="plus"/> days) begins.</summary>
    private static DateTimeOffset? Day(string? text, int plus) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? new DateTimeOffset(d.AddDays(plus).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)) : null;

    public static string ActionName(string action) => Enum.TryParse<AuditAction>(action, out var a) ? Chinese(a) + "（" + action + "）" : action;

    public static string ResultName(string result) => result switch
    {
        nameof(AuditResult.Success) => "成功",
        nameof(AuditResult.Failure) => "失败",
        nameof(AuditResult.Denied) => "拒绝",
        _ => result,
    };

    public static string Chinese(AuditAction action) => action switch
    {
        AuditAction.SignIn => "登录",
        AuditAction.SignInFailed => "登录失败",
        AuditAction.Lockout => "账户锁定",
        AuditAction.SignOut => "退出",
        AuditAction.PasswordChanged => "修改密码",
        AuditAction.PasswordReset => "重置密码",
        AuditAction.UserCreated => "创建账户",
        AuditAction.UserDisabled => "停用账户",
        AuditAction.UserEnabled => "启用账户",
        AuditAction.RolesChanged => "角色变更",
        AuditAction.JurisdictionChanged => "管辖地区变更",
        AuditAction.ApiKeyCreated => "签发 API 密钥",
        AuditAction.ApiKeyRevoked => "吊销 API 密钥",
        AuditAction.TargetEdited => "修改目标",
        AuditAction.OverrideAdded => "人工评定",
        AuditAction.Upload => "上传文件",
        AuditAction.Export => "导出数据",
        AuditAction.ReportDownload => "下载报告",
        AuditAction.AccessDenied => "越权访问被拒",
        AuditAction.QueryRejected => "查询被拒",
        AuditAction.CaseCreated => "立案",
        AuditAction.CaseStatusChanged => "督导事项状态变更",
        AuditAction.SetupAdministrator => "初始化管理员",
        AuditAction.AuditRetention => "审计日志保留期清理",
        _ => action.ToString(),
    };
}
