using Dashboard.Security.SignIn;
using Dashboard.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dashboard.Web.Pages.Account;

public sealed class ChangePasswordModel(SignInService signIn) : PageModel
{
    [BindProperty] public string CurrentPassword { get; set; } = "";
    [BindProperty] public string NewPassword { get; set; } = "";
    [BindProperty] public string ConfirmPassword { get; set; } = "";

    public bool Forced => User.HasClaim(c => c.Type == SessionDefaults.MustChangeClaim);
    public bool Done { get; private set; }
    public List<string> Errors { get; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (NewPassword != ConfirmPassword)
        {
            Errors.Add("两次输入的新密码不一致");
            return Page();
        }
        var token = SessionDefaults.Token(HttpContext);
        if (token is null) return Redirect("/Account/SignIn");
        var result = await signIn.ChangePasswordAsync(token, CurrentPassword, NewPassword, ClientAddress.Of(HttpContext), cancellationToken);
        if (!result.Succeeded)
        {
            Errors.AddRange(result.Errors);
            return Page();
        }
        // The must-change claim was built at the start of this request: go on to the start page afresh.
        return Redirect("/");
    }
}
