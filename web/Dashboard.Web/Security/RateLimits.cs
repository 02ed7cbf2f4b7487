using System.Globalization;
using System.Threading.RateLimiting;

namespace Dashboard.Web.Security;

/// <summary>Limits of the web's rate limiter (configuration section "RateLimits"), per minute.</summary>
public sealed class WebRateLimitOptions
{
    /// <summary>Sign-in attempts (form posts) per client address and minute: slows password guessing across accounts.</summary>
    public int SignInPerMinute { get; set; } = 10;

    /// <summary>CSV exports per signed-in user and minute.</summary>
    public int ExportsPerMinute { get; set; } = 30;
}

internal static class RateLimits
{
    /// <summary>
    /// One limiter in front of the pages: sign-in posts per address, CSV exports (<c>handler=Csv</c>) per user;
    /// everything else unlimited here (the api limits the data reads behind the pages). Over a limit: 429 with Retry-After.
    /// </summary>
    public static IServiceCollection AddWebRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection("RateLimits").Get<WebRateLimitOptions>() ?? new WebRateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/Account/SignIn", StringComparison.OrdinalIgnoreCase))
                    return Window("signin:" + context.Connection.RemoteIpAddress, limits.SignInPerMinute);
                if (string.Equals(context.Request.Query["handler"], "Csv", StringComparison.OrdinalIgnoreCase))
                    return Window("export:" + (context.User.Identity?.Name ?? context.Connection.RemoteIpAddress?.ToString()), limits.ExportsPerMinute);
                return RateLimitPartition.GetNoLimiter("none");
            });
            o.OnRejected = (context, _) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Window(string key, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(key,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
