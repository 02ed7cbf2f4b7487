using Dashboard.Security.SignIn;
using Dashboard.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dashboard.Web.Pages.Account;

public sealed class SignOutModel(SignInService signIn) : PageModel
{
    public void OnGet()
    {
    }

    /// <summary>Ends the session server-side (the token stops working everywhere, the api included), then drops the cookie.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (SessionDefaults.Token(HttpContext) is { } token)
            await signIn.SignOutAsync(token, ClientAddress.Of(HttpContext), cancellationToken);
        SessionDefaults.DeleteCookie(HttpContext);
        return Redirect("/Account/SignIn");
    }
}
