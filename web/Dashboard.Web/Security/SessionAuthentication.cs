using System.Security.Claims;
using System.Text.Encodings.Web;
using Dashboard.Security.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Security;

/// <summary>Names shared by the session cookie, the authentication handler and the pages.</summary>
public static class SessionDefaults
{
    /// <summary>The authentication scheme.</summary>
    public const string Scheme = "Session";

    /// <summary>The cookie holding the session's bearer token (HttpOnly, SameSite=Strict, Secure over HTTPS).</summary>
    public const string CookieName = "dashboard_session";

    /// <summary>Claim: the account's granted region codes (one claim each).</summary>
    public const string RegionClaim = "dashboard:region";

    /// <summary>Claim present while the session may only change its password.</summary>
    public const string MustChangeClaim = "dashboard:must_change_password";

    /// <summary>Claim: the display name.</summary>
    public const string DisplayNameClaim = "dashboard:display_name";

    /// <summary>Writes the session cookie.</summary>
    public static void WriteCookie(HttpContext context, string token)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
    }

    /// <summary>Removes the session cookie.</summary>
    public static void DeleteCookie(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", HttpOnly = true, Secure = context.Request.IsHttps, SameSite = SameSiteMode.Strict });
    }

    /// <summary>The session token of the current request, or null.</summary>
    public static string? Token(HttpContext context) =>
        context?.Request.Cookies.TryGetValue(CookieName, out var token) == true && !string.IsNullOrEmpty(token) ? token : null;
}

/// <summary>
/// Authenticates every request against the server-side session store, so idle and absolute timeouts,
/// sign-out and disabled accounts take effect on the next request (a signed cookie alone could not).
/// Roles and regions are read fresh each time.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SessionStore sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = SessionDefaults.Token(Context);
        if (token is null) return AuthenticateResult.NoResult();
        var principal = await sessions.ValidateAsync(token, Context.RequestAborted);
        if (principal is null)
        {
            SessionDefaults.DeleteCookie(Context);
            return AuthenticateResult.Fail("session ended or unknown");
        }
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, principal.UserId),
            new(ClaimTypes.Name, principal.UserName),
            new(SessionDefaults.DisplayNameClaim, principal.DisplayName),
        };
        claims.AddRange(principal.Roles.Select(r => new Claim(ClaimTypes.Role, r.ToString())));
        claims.AddRange(principal.Regions.Select(r => new Claim(SessionDefaults.RegionClaim, r)));
        if (principal.MustChangePassword) claims.Add(new Claim(SessionDefaults.MustChangeClaim, "true"));
        var identity = new ClaimsIdentity(claims, SessionDefaults.Scheme, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SessionDefaults.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var returnUrl = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect("/Account/SignIn?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // A 403 with the page's explanation (status code pages re-execute /Account/Denied), not a redirect,
        // so a URL edited towards something not allowed answers plainly and tests can see the status.
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}

/// <summary>Client address for audit records.</summary>
public static class ClientAddress
{
    /// <summary>The remote IP of the request, or "-".</summary>
    public static string Of(HttpContext context) => context?.Connection.RemoteIpAddress?.ToString() ?? "-";
}
