using System.Globalization;
using System.Threading.RateLimiting;
using Dashboard.Security;
using Dashboard.Security.Jurisdiction;
using Dashboard.Security.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;

namespace Dashboard.Api.Security;

/// <summary>Limits of the api's rate limiter (configuration section "RateLimits"), per caller and minute.</summary>
public sealed class RateLimitOptions
{
    /// <summary>OData requests per caller and minute.</summary>
    public int ODataPerMinute { get; set; } = 600;

    /// <summary>Uploads and other writes per caller and minute.</summary>
    public int WritesPerMinute { get; set; } = 60;
}

internal static class ApiSecurity
{
    public const string ODataRateLimit = "odata";
    public const string WriteRateLimit = "writes";

    /// <summary>
    /// Bearer authentication (API keys and forwarded web sessions), deny-by-default authorization with an
    /// audit record for every 403, per-caller rate limits, the operational store and the audit trail.
    /// </summary>
    public static IServiceCollection AddApiSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDashboardSecurity(configuration);
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddDashboardPolicies();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        services.AddSingleton<ApiAudit>();
        services.AddSingleton<RegionHierarchy>();
        services.AddSingleton<ScopeResolver>();

        var limits = configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(ODataRateLimit, context => Window(context, limits.ODataPerMinute));
            o.AddPolicy(WriteRateLimit, context => Window(context, limits.WritesPerMinute));
            o.OnRejected = (context, _) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    // Per signed-in user (an API key and a web session of one user share the budget); per address before sign-in.
    private static RateLimitPartition<string> Window(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            context.User.Identity?.Name is { Length: > 0 } user ? "u:" + user : "a:" + context.Connection.RemoteIpAddress,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });

    /// <summary>Security headers on every answer; data answers are never stored by browsers or proxies.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            // Swagger UI needs its own inline bootstrap; everything else is data and needs nothing.
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase)
                ? "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
                : "default-src 'none'; frame-ancestors 'none'";
            if (!context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase)) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        await next();
    });

    /// <summary>Brings the operational store's schema up to date before the api serves (idempotent).</summary>
    public static async Task MigrateOperationalStoreAsync(this WebApplication app, CancellationToken ct) =>
        await app.Services.GetRequiredService<StoreMigrator>().MigrateAsync(ct);
}
