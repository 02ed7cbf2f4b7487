using Dashboard.Security.Roles;
using Microsoft.AspNetCore.Authorization;

namespace Dashboard.Api.Security;

/// <summary>
/// Who may do what. Deny by default: the fallback policy requires a signed-in caller for every endpoint, and
/// each endpoint names one of these policies; the three administrator roles get only their own duties.
/// </summary>
internal static class Policies
{
    /// <summary>Read indicator data, scorecards, sources and runs (within the jurisdiction).</summary>
    public const string ReadData = "ReadData";

    /// <summary>Trigger pulls and upload files for a source (within the jurisdiction).</summary>
    public const string SubmitData = "SubmitData";

    /// <summary>Create and edit targets.</summary>
    public const string EditTargets = "EditTargets";

    /// <summary>Override ratings.</summary>
    public const string OverrideRatings = "OverrideRatings";

    /// <summary>Read the audit trail.</summary>
    public const string ReadAudit = "ReadAudit";

    /// <summary>Manage users, roles and jurisdictions.</summary>
    public const string ManageUsers = "ManageUsers";

    public static readonly IReadOnlyDictionary<string, Role[]> Roles = new Dictionary<string, Role[]>(StringComparer.Ordinal)
    {
        [ReadData] = [Role.Leader, Role.Inspector, Role.DistrictOfficer, Role.ReportOffice, Role.SystemAdmin],
        [SubmitData] = [Role.DistrictOfficer, Role.SystemAdmin],
        [EditTargets] = [Role.SystemAdmin],
        [OverrideRatings] = [Role.Inspector],
        [ReadAudit] = [Role.AuditAdmin],
        [ManageUsers] = [Role.SecurityAdmin],
    };

    public static AuthorizationBuilder AddDashboardPolicies(this AuthorizationBuilder builder)
    {
        builder.SetFallbackPolicy(new AuthorizationPolicyBuilder(TokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        foreach (var (name, roles) in Roles)
            builder.AddPolicy(name, p => p.AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName).RequireRole(roles.Select(r => r.ToString())));
        return builder;
    }

    /// <summary>Whether a caller with <paramref name="roles"/> satisfies <paramref name="policy"/>.</summary>
    public static bool Allows(string policy, IEnumerable<Role> roles) => Roles[policy].Intersect(roles).Any();
}
