using Dashboard.Web.Api;
using Dashboard.Web.Common;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Runs;

/// <summary>One pull run (or file load) and the rows it quarantined.</summary>
public sealed class ViewModel(ApiClient api) : DashboardPage
{
    [BindProperty(SupportsGet = true)] public string? Id { get; set; }

    public PullRunRow? Run { get; private set; }

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Id)) return NotFound();
        Run = await api.FindAsync<PullRunRow>("PullRuns", Id, cancellationToken);
        if (Run is null) return NotFound();
        var rejections = await api.ListAsync<RejectionRow>("Rejections",
            new ODataQuery { Filter = ODataQuery.Eq("RunId", Run.Id), OrderBy = "RowNumber", Top = 1000 }, cancellationToken);
        var table = new DataTable("rejections", "本批次被拒绝的行",
        [
            new("row", "行号", true), new("region", "地区"), new("field", "字段"), new("reason", "原因"), new("raw", "原始内容"), new("at", "时间"),
        ]);
        foreach (var r in rejections)
            table.Add(Cell.Number(r.RowNumber, r.RowNumber.ToString(Display.Zh)), r.RegionCode, r.Field, r.Reason, r.Row, Display.Time(r.RejectedAt));
        Tables.Add(table);
        return null;
    }
}
