using Dashboard.Api.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Dashboard.Security.ApiKeys;
using Dashboard.Security.Audit;
using Dashboard.Security.Roles;
using Dashboard.Security.Users;

namespace Dashboard.Api.Security;

/// <summary>The caller: who they are, what they may do and where.</summary>
/// <param name="UserName" example="ks.inspector">The account name.</param>
/// <param name="DisplayName" example="昆山市督学 王敏">The name shown.</param>
/// <param name="Roles" example="[&quot;Inspector&quot;]">The roles held.</param>
/// <param name="Regions" example="[&quot;320583&quot;]">The regions granted (each with all its sub-regions).</param>
public sealed record CurrentUser(string UserName, string DisplayName, IReadOnlyList<Role> Roles, IReadOnlyList<string> Regions);

/// <summary>A request for a new API key.</summary>
/// <param name="Name" example="Excel 月度分析">A label to tell keys apart.</param>
public sealed record ApiKeyRequest(string? Name);

/// <summary>A new account.</summary>
/// <param name="UserName" example="tz.officer">Account name (unique).</param>
/// <param name="DisplayName" example="仙居县教育局 数据专员">The name shown.</param>
/// <param name="Roles" example="[&quot;DistrictOfficer&quot;]">Roles; an administrator role stands alone.</param>
/// <param name="Regions" example="[&quot;331024&quot;]">Region codes of the jurisdiction.</param>
public sealed record UserRequest(string? UserName, string? DisplayName, IReadOnlyList<string>? Roles, IReadOnlyList<string>? Regions);

/// <summary>A list of role names or region codes.</summary>
/// <param name="Values" example="[&quot;331024&quot;]">The new list, replacing the old.</param>
public sealed record ListRequest(IReadOnlyList<string>? Values);

/// <summary>An account created or reset, with its one-time password (shown once; must be changed at first sign-in).</summary>
/// <param name="User">The account.</param>
/// <param name="OneTimePassword" example="q7W!x2Rm9#bT4kLs">The one-time password.</param>
public sealed record IssuedPassword(User User, string OneTimePassword);

internal static class AccountEndpoints
{
    public static void MapAccounts(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").WithTags("Me");
        me.MapGet("/", GetMe)
            .WithName("GetMe")
            .WithSummary("Who the token belongs to: roles and regions")
            .Produces<CurrentUser>(StatusCodes.Status200OK);
        me.MapGet("/api-keys", ListKeysAsync)
            .WithName("ListMyApiKeys")
            .WithSummary("List my API keys (without the keys themselves)")
            .Produces<IReadOnlyList<ApiKeyInfo>>(StatusCodes.Status200OK);
        me.MapPost("/api-keys", CreateKeyAsync)
            .WithName("CreateMyApiKey")
            .WithSummary("Issue an API key for Excel, Power BI or scripts; the key is shown this once")
            .WithDescription("The key acts as its owner, with the owner's current roles and regions; send it as Authorization: Bearer <key>. Only its hash is stored.")
            .Produces<NewApiKey>(StatusCodes.Status201Created);
        me.MapDelete("/api-keys/{id}", RevokeKeyAsync)
            .WithName("RevokeMyApiKey")
            .WithSummary("Revoke one of my API keys")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Policies.ManageUsers);
        users.MapGet("/", async (UserStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct)))
            .WithName("ListUsers")
            .WithSummary("List every account with roles, regions and state (security administrator)")
            .Produces<IReadOnlyList<User>>(StatusCodes.Status200OK);
        users.MapPost("/", CreateUserAsync)
            .WithName("CreateUser")
            .WithSummary("Create an account; its one-time password is shown once")
            .WithDescription("Roles from Leader, Inspector, DistrictOfficer, ReportOffice, SystemAdmin, SecurityAdmin, AuditAdmin; the three administrator roles are never combined. 400 names the field.")
            .Produces<IssuedPassword>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        users.MapPut("/{id}/roles", SetRolesAsync)
            .WithName("SetUserRoles")
            .WithSummary("Replace an account's roles")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPut("/{id}/regions", SetRegionsAsync)
            .WithName("SetUserRegions")
            .WithSummary("Replace an account's regions (jurisdiction)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{id}/disable", (string id, HttpContext context, UserStore store, CancellationToken ct) =>
                RunAsync(context, id, store, (s, actor) => s.DisableAsync(id, actor, ct), ct))
            .WithName("DisableUser")
            .WithSummary("Disable an account and end its sessions")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{id}/enable", (string id, HttpContext context, UserStore store, CancellationToken ct) =>
                RunAsync(context, id, store, (s, actor) => s.EnableAsync(id, actor, ct), ct))
            .WithName("EnableUser")
            .WithSummary("Enable a disabled account")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{id}/reset-password", ResetAsync)
            .WithName("ResetUserPassword")
            .WithSummary("Reset an account's password to a one-time password (shown once)")
            .Produces<IssuedPassword>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    internal static Actor ActorOf(HttpContext context) =>
        new(context.User.Identity?.Name ?? AuditEvent.Anonymous, context.Connection.RemoteIpAddress?.ToString() ?? "");

    private static SecurityPrincipal Principal(HttpContext context) => (SecurityPrincipal)context.Items[TokenAuthenticationHandler.PrincipalItem]!;

    private static Ok<CurrentUser> GetMe(HttpContext context)
    {
        var p = Principal(context);
        return TypedResults.Ok(new CurrentUser(p.UserName, p.DisplayName, p.Roles, p.Regions));
    }

    private static async Task<IResult> ListKeysAsync(HttpContext context, ApiKeyStore keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(Principal(context).UserId, ct));

    private static async Task<IResult> CreateKeyAsync(HttpContext context, ApiKeyStore keys, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<ApiKeyRequest>(context, "the request", ct, allowEmpty: true);
        if (problem is not null) return problem;
        var key = await keys.CreateAsync(Principal(context).UserId, request?.Name ?? "", ActorOf(context), ct);
        return TypedResults.Created("/api/me/api-keys", key);
    }

    private static async Task<IResult> RevokeKeyAsync(string id, HttpContext context, ApiKeyStore keys, CancellationToken ct)
    {
        // Only the owner's own keys: another user's key id is "not found", not "forbidden", so ids leak nothing.
        var mine = await keys.ListAsync(Principal(context).UserId, ct);
        if (!mine.Any(k => k.Id == id && k.RevokedAt is null)) return ApiProblems.NotFound("API key", "id", id);
        await keys.RevokeAsync(id, ActorOf(context), ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> CreateUserAsync(HttpContext context, UserStore store, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<UserRequest>(context, "the account", ct);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(request!.UserName)) return ApiProblems.BadParameter("userName", "userName is required.");
        if (!TryRoles(request.Roles, out var roles, out problem)) return problem!;
        if (RoleRules.Check(roles) is { } reason) return ApiProblems.BadParameter("roles", reason);
        try
        {
            var created = await store.CreateAsync(new NewUser(request.UserName.Trim(), request.DisplayName?.Trim() ?? request.UserName.Trim(), roles,
                request.Regions ?? []), ActorOf(context), ct);
            return TypedResults.Created($"/api/users/{created.User.Id}", new IssuedPassword(created.User, created.OneTimePassword));
        }
        catch (ArgumentException ex)
        {
            return ApiProblems.BadParameter("regions", ex.Message);
        }
        catch (UserStoreException ex)
        {
            return ApiProblems.BadParameter("userName", ex.Message);
        }
    }

    private static async Task<IResult> SetRolesAsync(string id, HttpContext context, UserStore store, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<ListRequest>(context, "the list", ct, allowEmpty: true);
        if (problem is not null) return problem;
        if (!TryRoles(request?.Values, out var roles, out problem)) return problem!;
        if (RoleRules.Check(roles) is { } reason) return ApiProblems.BadParameter("values", reason);
        return await RunAsync(context, id, store, (s, actor) => s.SetRolesAsync(id, roles, actor, ct), ct);
    }

    private static async Task<IResult> SetRegionsAsync(string id, HttpContext context, UserStore store, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<ListRequest>(context, "the list", ct, allowEmpty: true);
        if (problem is not null) return problem;
        try
        {
            return await RunAsync(context, id, store, (s, actor) => s.SetJurisdictionsAsync(id, request?.Values ?? [], actor, ct), ct);
        }
        catch (ArgumentException ex)
        {
            return ApiProblems.BadParameter("values", ex.Message);
        }
    }

    private static async Task<IResult> ResetAsync(string id, HttpContext context, UserStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null) return ApiProblems.NotFound("user", "id", id);
        var password = await store.ResetPasswordAsync(id, ActorOf(context), ct);
        return TypedResults.Ok(new IssuedPassword((await store.GetAsync(id, ct))!, password));
    }

    private static async Task<IResult> RunAsync(HttpContext context, string id, UserStore store, Func<UserStore, Actor, Task> change, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null) return ApiProblems.NotFound("user", "id", id);
        try
        {
            await change(store, ActorOf(context));
            return TypedResults.NoContent();
        }
        catch (RoleSeparationException ex)
        {
            return ApiProblems.BadParameter("values", ex.Message);
        }
        catch (UserStoreException ex)
        {
            return ApiProblems.Conflict("Not allowed", ex.Message);
        }
    }

    private static bool TryRoles(IReadOnlyList<string>? names, out IReadOnlyList<Role> roles, out IResult? problem)
    {
        problem = null;
        try
        {
            roles = RoleRules.Parse(names ?? []);
            return true;
        }
        catch (ArgumentException ex)
        {
            roles = [];
            problem = ApiProblems.BadParameter("roles", ex.Message + " Roles: " + string.Join(", ", Enum.GetNames<Role>()) + ".");
            return false;
        }
    }
}
