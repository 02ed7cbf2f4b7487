using Dashboard.Security.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Dashboard.Api.Security;

/// <summary>Writes audit records for the api with the caller and address taken from the request.</summary>
internal sealed class ApiAudit(IAuditSink sink, TimeProvider clock)
{
    public Task WriteAsync(HttpContext context, AuditAction action, string target, AuditResult result, string detail, CancellationToken ct)
    {
        var user = context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : AuditEvent.Anonymous;
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "";
        return sink.WriteAsync(new AuditEvent(clock.GetUtcNow().UtcDateTime, user, address, action, target, result, Trim(detail)), ct);
    }

    /// <summary>An access denial: who asked for what.</summary>
    public Task DeniedAsync(HttpContext context, string why, CancellationToken ct) =>
        WriteAsync(context, AuditAction.AccessDenied, context.Request.Method + " " + context.Request.Path, AuditResult.Denied, why, ct);

    private static string Trim(string s) => s.Length <= 2000 ? s : s[..2000] + "…";
}

/// <summary>Every 403 the authorization layer gives is recorded before the default answer goes out.</summary>
internal sealed class AuditingAuthorizationResultHandler(ApiAudit audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
            await audit.DeniedAsync(context, "role not allowed for this endpoint", context.RequestAborted);
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
