using Dashboard.Security.SignIn;
using Dashboard.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dashboard.Web.Pages.Account;

public sealed class SignInModel(SignInService signIn) : PageModel
{
    [BindProperty] public string UserName { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await signIn.SignInAsync(UserName, Password, ClientAddress.Of(HttpContext), cancellationToken);
        if (!result.Succeeded || result.Ticket is null)
        {
            Error = result.Message ?? SignInService.GenericFailure;
            Password = "";
            return Page();
        }
        SessionDefaults.WriteCookie(HttpContext, result.Ticket.Token);
        if (result.MustChangePassword) return Redirect("/Account/ChangePassword");
        // Only local paths: an open redirect would let a phishing link bounce through the sign-in page.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
