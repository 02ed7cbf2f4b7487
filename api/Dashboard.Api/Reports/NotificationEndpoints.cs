using Dashboard.Api.Security;
using Dashboard.Api.Shared;
using Dashboard.Reports.Delivery;
using Dashboard.Security.Users;

namespace Dashboard.Api.Reports;

internal static class NotificationEndpoints
{
    private const int Limit = 200;

    public static void MapNotifications(this IEndpointRouteBuilder app)
    {
        // Any signed-in caller: each sees only the notices addressed to its own roles within its jurisdiction.
        var notifications = app.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization();

        notifications.MapGet("/", ListAsync)
            .WithName("ListNotifications")
            .WithSummary("Your notices in the app, unread first")
            .WithDescription("Notices addressed to your roles within your jurisdiction (the report office is told of every new bulletin: 新督导通报已生成…), unread first, each group newest first; at most 200.")
            .Produces<IReadOnlyList<NotificationView>>(StatusCodes.Status200OK);

        notifications.MapPost("/{id}/read", MarkReadAsync)
            .WithName("MarkNotificationRead")
            .WithSummary("Mark one of your notices read")
            .WithDescription("Idempotent: the first mark's time is kept. 404 when no notice with this id is addressed to you.")
            .Produces<NotificationView>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ScopeResolver scopes, NotificationStore store, CancellationToken ct)
    {
        var (principal, roots) = await CallerAsync(context, scopes);
        var list = await store.ListAsync(principal.UserName, principal.Roles.Select(r => r.ToString()).ToList(), roots, Limit, ct);
        return TypedResults.Ok(list.Select(NotificationView.Of).ToList());
    }

    private static async Task<IResult> MarkReadAsync(string id, HttpContext context, ScopeResolver scopes, NotificationStore store, TimeProvider clock, CancellationToken ct)
    {
        var (principal, _) = await CallerAsync(context, scopes);
        var notice = await store.FindAsync(id, ct);
        // A notice addressed to someone else is not revealed: the same 404 as an unknown id.
        var scope = await scopes.ForRequestAsync(context);
        if (notice is null || !principal.Roles.Any(r => r.ToString() == notice.Role) || !scope.Allows(notice.RegionCode))
            return ApiProblems.NotFound("notification", "id", id);
        var readAt = await store.MarkReadAsync(notice.Id, principal.UserName, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(NotificationView.Of(new UserNotification(notice, readAt)));
    }

    private static async Task<(SecurityPrincipal Principal, IReadOnlyList<string> Roots)> CallerAsync(HttpContext context, ScopeResolver scopes)
    {
        var principal = context.Items[TokenAuthenticationHandler.PrincipalItem] as SecurityPrincipal
            ?? throw new InvalidOperationException("The request has no authenticated principal; the endpoint must require authorization.");
        return (principal, (await scopes.ForRequestAsync(context)).Scope.RegionRoots);
    }
}
