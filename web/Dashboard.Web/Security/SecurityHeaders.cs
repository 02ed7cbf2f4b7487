namespace Dashboard.Web.Security;

/// <summary>
/// Response headers every answer carries. The CSP has no 'unsafe-inline': page scripts live in wwwroot/js and
/// read their data from JSON blocks, so an injected inline script cannot run.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

    /// <summary>
    /// The policy of a bulletin's print view (HTML the api rendered from a frozen snapshot): its own inline
    /// stylesheet applies, no script runs (sandbox without allow-scripts), nothing is fetched.
    /// </summary>
    public const string ReportViewPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox";

    /// <summary>Adds the headers just before the response starts.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            // Only the report print view sets its own (stricter about scripts, allowing its inline style).
            if (headers.ContentSecurityPolicy.ToString() != ReportViewPolicy) headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            // Pages show jurisdiction-limited data: never let a shared cache or the back button keep them.
            // Static files (versioned by asp-append-version) may be cached.
            if (!IsStaticFile(context.Request.Path)) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        await next(context);
    });

    /// <summary>True for wwwroot's folders (stylesheets, scripts, libraries).</summary>
    public static bool IsStaticFile(PathString path) =>
        path.StartsWithSegments("/lib", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/css", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/js", StringComparison.OrdinalIgnoreCase);
}
