using Dashboard.Security.Roles;
using Microsoft.AspNetCore.Authorization;

namespace Dashboard.Web.Security;

/// <summary>The role policies of the pages (deny by default: every page needs one of them or at least a signed-in user).</summary>
public static class Policies
{
    /// <summary>Overview, target and region views.</summary>
    public const string ReadDashboards = nameof(ReadDashboards);

    /// <summary>Rating overrides and supervision cases.</summary>
    public const string Inspect = nameof(Inspect);

    /// <summary>Sources, runs, rejections and uploads.</summary>
    public const string OperateData = nameof(OperateData);

    /// <summary>Editing targets (a new version).</summary>
    public const string EditTargets = nameof(EditTargets);

    /// <summary>Pull runs and the target catalogue: everyone who reads dashboards or operates data.</summary>
    public const string ReadRuns = nameof(ReadRuns);

    /// <summary>Reading the audit trail.</summary>
    public const string ReadAudit = nameof(ReadAudit);

    /// <summary>Reading the bulletin archive, downloading and comparing bulletins (docs/reports.md).</summary>
    public const string ReadReports = nameof(ReadReports);

    /// <summary>Generating a bulletin on demand.</summary>
    public const string GenerateReports = nameof(GenerateReports);

    /// <summary>Managing accounts.</summary>
    public const string ManageUsers = nameof(ManageUsers);

    /// <summary>The roles each policy admits (also drives which links the navigation shows).</summary>
    public static IReadOnlyDictionary<string, Role[]> Roles { get; } = new Dictionary<string, Role[]>(StringComparer.Ordinal)
    {
        [ReadDashboards] = [Role.Leader, Role.Inspector, Role.DistrictOfficer, Role.ReportOffice],
        [Inspect] = [Role.Inspector],
        [OperateData] = [Role.DistrictOfficer, Role.SystemAdmin],
        [EditTargets] = [Role.SystemAdmin],
        [ReadRuns] = [Role.Leader, Role.Inspector, Role.DistrictOfficer, Role.ReportOffice, Role.SystemAdmin],
        [ReadAudit] = [Role.AuditAdmin],
        [ManageUsers] = [Role.SecurityAdmin],
        // As the api's report policies: the district officer has no bulletin of its own to read.
        [ReadReports] = [Role.Leader, Role.Inspector, Role.ReportOffice, Role.SystemAdmin],
        [GenerateReports] = [Role.ReportOffice, Role.SystemAdmin],
    };

    /// <summary>Registers the policies.</summary>
    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, roles) in Roles)
            options.AddPolicy(name, p => p.RequireAuthenticatedUser().RequireRole(roles.Select(r => r.ToString())));
    }

    /// <summary>True when <paramref name="user"/> satisfies <paramref name="policy"/>.</summary>
    public static bool Allows(System.Security.Claims.ClaimsPrincipal user, string policy) =>
        user?.Identity?.IsAuthenticated == true && Roles[policy].Any(r => user.IsInRole(r.ToString()));
}
