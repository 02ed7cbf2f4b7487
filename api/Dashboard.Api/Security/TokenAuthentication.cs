using System.Security.Claims;
using System.Text.Encodings.Web;
using Dashboard.Security.ApiKeys;
using Dashboard.Security.SignIn;
using Dashboard.Security.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Dashboard.Api.Security;

/// <summary>
/// The api's one way in: <c>Authorization: Bearer &lt;token&gt;</c>, where the token is a personal API key
/// (<c>dsk_…</c>, for Excel, Power BI and scripts) or the session token of a user signed in to the web app,
/// which forwards it. Both resolve to the owner's current roles and regions on every request, so a disabled
/// account, an ended session or a changed jurisdiction takes effect at once.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyStore apiKeys, SessionStore sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    /// <summary>Where the resolved principal is kept for the request (roles and regions as the store said).</summary>
    public const string PrincipalItem = "Dashboard.SecurityPrincipal";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("Only Bearer tokens are accepted.");
        var token = header["Bearer ".Length..].Trim();
        var ct = Context.RequestAborted;
        var principal = token.StartsWith(ApiKeyStore.KeyPrefix, StringComparison.Ordinal)
            ? await apiKeys.ValidateAsync(token, ct)
            : await sessions.ValidateAsync(token, ct);
        // One message for every failure: which part was wrong is not the caller's business.
        if (principal is null) return AuthenticateResult.Fail("The token is not valid, has expired or has been revoked.");
        if (principal.MustChangePassword)
            return AuthenticateResult.Fail("The account must change its password before it can read data.");
        Context.Items[PrincipalItem] = principal;
        var identity = new ClaimsIdentity(Claims(principal), SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }

    private static IEnumerable<Claim> Claims(SecurityPrincipal p)
    {
        yield return new Claim(ClaimTypes.NameIdentifier, p.UserId);
        yield return new Claim(ClaimTypes.Name, p.UserName);
        foreach (var role in p.Roles) yield return new Claim(ClaimTypes.Role, role.ToString());
    }
}
