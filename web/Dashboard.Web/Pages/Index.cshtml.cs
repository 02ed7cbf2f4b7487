using Dashboard.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dashboard.Web.Pages;

/// <summary>Sends each role to its own start page.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet()
    {
        if (Policies.Allows(User, Policies.ReadDashboards)) return Redirect("/Overview");
        if (Policies.Allows(User, Policies.OperateData)) return Redirect("/Data");
        if (Policies.Allows(User, Policies.ReadAudit)) return Redirect("/Audit");
        if (Policies.Allows(User, Policies.ManageUsers)) return Redirect("/Users");
        return StatusCode(StatusCodes.Status403Forbidden);
    }
}
