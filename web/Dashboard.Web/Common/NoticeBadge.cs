using Dashboard.Web.Api;

namespace Dashboard.Web.Common;

/// <summary>The number of unread in-app notices for the layout's badge.</summary>
public static class NoticeBadge
{
    /// <summary>
    /// Unread notices of the signed-in user, or 0 when the api cannot say: a badge is a hint, so its failure is
    /// logged and the page still renders.
    /// </summary>
    public static async Task<int> UnreadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var notices = await context.RequestServices.GetRequiredService<ApiClient>().NotificationsAsync(cancellationToken);
            return notices.Count(n => n.ReadAt is null);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            context.RequestServices.GetRequiredService<ILogger<ApiClient>>().LogWarning(e, "notices for the badge could not be read");
            return 0;
        }
    }
}
