namespace Dashboard.Web.Security;

/// <summary>
/// A session opened with a one-time or expired password may only change it (or sign out): every other
/// request is sent to the change page.
/// </summary>
public static class MustChangePassword
{
    public static IApplicationBuilder UseMustChangePassword(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (context.User.HasClaim(c => c.Type == SessionDefaults.MustChangeClaim)
            && !path.StartsWithSegments("/Account/ChangePassword", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/Account/SignOut", StringComparison.OrdinalIgnoreCase)
            && !SecurityHeaders.IsStaticFile(path))
        {
            context.Response.Redirect("/Account/ChangePassword");
            return;
        }
        await next(context);
    });
}
