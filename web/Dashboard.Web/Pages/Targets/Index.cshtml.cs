using Dashboard.Web.Api;
using Dashboard.Web.Common;
using Dashboard.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Pages.Targets;

/// <summary>The target catalogue: every current target with its document, clause and responsible units.</summary>
public sealed class IndexModel(ApiClient api) : DashboardPage
{
    public bool CanEdit => Policies.Allows(User, Policies.EditTargets);

    protected override async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        var catalog = await Catalog.LoadAsync(api, User, cancellationToken);
        var table = new DataTable("catalogue", "目标任务目录",
        [
            new("id", "编号"), new("region", "地区"), new("indicator", "指标"), new("target", "目标"), new("kind", "类型"), new("document", "文件"),
            new("clause", "条款"), new("units", "责任单位"), new("version", "版本", true),
        ]);
        foreach (var t in catalog.Targets.Values.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            table.Add(new Cell(t.Id, Href: CanEdit ? "/Targets/Edit?id=" + Uri.EscapeDataString(t.Id) : "/Targets/View?id=" + Uri.EscapeDataString(t.Id)),
                catalog.Regions.Name(t.RegionCode), catalog.IndicatorName(t.IndicatorCode), catalog.TargetText(t, t.Value), Display.TargetKind(t.Kind),
                t.Document, t.Clause, t.ResponsibleUnits.Count == 0 ? "—" : string.Join("、", t.ResponsibleUnits), Cell.Number(t.Version, t.Version.ToString(Display.Zh)));
        }
        Tables.Add(table);
        return null;
    }
}
