namespace Dashboard.Security.Roles;

/// <summary>What an account may do. Stored by name.</summary>
public enum Role
{
    /// <summary>Reads dashboards and reports of the jurisdiction.</summary>
    Leader,
    /// <summary>Inspects, overrides ratings with a reason, works supervision cases.</summary>
    Inspector,
    /// <summary>District staff: uploads data, follows the district's cases.</summary>
    DistrictOfficer,
    /// <summary>Produces and downloads reports.</summary>
    ReportOffice,
    /// <summary>Operates the system (jobs, sources, configuration); no access to accounts or the audit trail.</summary>
    SystemAdmin,
    /// <summary>Manages accounts, roles, jurisdictions and API keys.</summary>
    SecurityAdmin,
    /// <summary>Reads the audit trail; nothing else.</summary>
    AuditAdmin,
}

/// <summary>Thrown when a role set would break the separation of the administrator roles.</summary>
public sealed class RoleSeparationException(string message) : Exception(message);

/// <summary>
/// The separation of duties MLPS level 3 asks for (系统管理员、安全管理员、审计管理员 三员分立): each
/// administrator role is held alone, so no account holds two of them and none is a superuser that
/// also works with the data.
/// </summary>
public static class RoleRules
{
    /// <summary>The three administrator roles.</summary>
    public static IReadOnlySet<Role> AdministratorRoles { get; } = new HashSet<Role> { Role.SystemAdmin, Role.SecurityAdmin, Role.AuditAdmin };

    /// <summary>True for SystemAdmin, SecurityAdmin and AuditAdmin.</summary>
    public static bool IsAdministrator(Role role) => AdministratorRoles.Contains(role);

    /// <summary>Checks a role set; returns a Chinese reason when it is refused, otherwise null.</summary>
    public static string? Check(IReadOnlyCollection<Role> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        foreach (var role in roles)
            if (!Enum.IsDefined(role)) return $"未知角色 {(int)role}";
        var distinct = roles.Distinct().ToList();
        var admins = distinct.Where(IsAdministrator).ToList();
        if (admins.Count > 1) return $"系统管理员、安全管理员、审计管理员须由不同账户担任，不能同时授予：{string.Join("、", admins)}";
        if (admins.Count == 1 && distinct.Count > 1) return $"管理员账户（{admins[0]}）不能兼任业务角色";
        return null;
    }

    /// <summary>Throws when <see cref="Check"/> refuses the set.</summary>
    /// <exception cref="RoleSeparationException">The set breaks the separation of duties.</exception>
    public static void Validate(IReadOnlyCollection<Role> roles)
    {
        if (Check(roles) is { } reason) throw new RoleSeparationException(reason);
    }

    /// <summary>Parses role names (case-insensitive); unknown names throw.</summary>
    /// <exception cref="ArgumentException">A name is not a role.</exception>
    public static IReadOnlyList<Role> Parse(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return names.Select(n => Enum.TryParse<Role>(n.Trim(), ignoreCase: true, out var r) && Enum.IsDefined(r)
            ? r
            : throw new ArgumentException($"Unknown role '{n}'.", nameof(names))).Distinct().ToList();
    }
}
