using System.Globalization;
using Dashboard.Web.Api;
using Dashboard.Web.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dashboard.Web.Pages.Targets;

/// <summary>An administrator edits a target: the api stores the edit as the next version and keeps the history.</summary>
public sealed class EditModel(ApiClient api, Microsoft.Extensions.Caching.Memory.IMemoryCache cache) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Id { get; set; }
    [BindProperty] public string Comparator { get; set; } = "ge";
    [BindProperty] public decimal Value { get; set; }
    [BindProperty] public string StartDate { get; set; } = "";
    [BindProperty] public string Deadline { get; set; } = "";
    [BindProperty] public string? BaselinePeriod { get; set; }
    [BindProperty] public string Document { get; set; } = "";
    [BindProperty] public string Clause { get; set; } = "";
    [BindProperty] public string ResponsibleUnits { get; set; } = "";
    [BindProperty] public string ChangeNote { get; set; } = "";

    public IReadOnlyList<TargetVersionDto> History { get; private set; } = [];
    public string? Error { get; private set; }
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        History = Id is null ? [] : await api.TargetHistoryAsync(Id, cancellationToken);
        if (History.Count == 0) return NotFound();
        var t = History[^1].Target;
        (Comparator, Value, StartDate, Deadline, BaselinePeriod, Document, Clause, ResponsibleUnits) =
            (t.Comparator, t.Value, Day(t.StartDate), Day(t.Deadline), t.BaselinePeriod is { } b ? Day(b) : null, t.Document, t.Clause, string.Join("\n", t.ResponsibleUnits));
        Saved = Request.Query["saved"] == "1";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        History = Id is null ? [] : await api.TargetHistoryAsync(Id, cancellationToken);
        if (History.Count == 0) return NotFound();
        var current = History[^1].Target;
        var units = ResponsibleUnits.Split(['\n', '、', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await api.EditTargetAsync(current.Id, new TargetInputDto(null, current.RegionCode, current.IndicatorCode, current.Kind, Comparator, Value,
            StartDate, Deadline, string.IsNullOrWhiteSpace(BaselinePeriod) ? null : BaselinePeriod, Document, Clause, units, ChangeNote), cancellationToken);
        if (!result.Succeeded)
        {
            Error = result.Message;
            return Page();
        }
        // Cached catalogs hold the old version: drop them so this web's pages show the edit at once.
        JurisdictionCache.Clear(cache);
        return Redirect($"/Targets/Edit?id={Uri.EscapeDataString(current.Id)}&saved=1");
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
