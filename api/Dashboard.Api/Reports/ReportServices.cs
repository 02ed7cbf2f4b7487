using Dashboard.Api.Security;
using Dashboard.Reports;
using Dashboard.Reports.Delivery;
using Dashboard.Reports.Storage;
using Dashboard.Security.Roles;

namespace Dashboard.Api.Reports;

/// <summary>Who may read and generate bulletins; the city must also lie inside the caller's jurisdiction.</summary>
internal static class ReportPolicies
{
    /// <summary>Read bulletins and download their files.</summary>
    public const string ReadReports = "ReadReports";

    /// <summary>Generate a bulletin on demand.</summary>
    public const string GenerateReports = "GenerateReports";

    public static readonly IReadOnlyDictionary<string, Role[]> Roles = new Dictionary<string, Role[]>(StringComparer.Ordinal)
    {
        [ReadReports] = [Role.Leader, Role.Inspector, Role.ReportOffice, Role.SystemAdmin],
        [GenerateReports] = [Role.ReportOffice, Role.SystemAdmin],
    };
}

internal static class ReportServices
{
    /// <summary>
    /// The report library (generation, store, delivery: notices and mail) and the two report policies. The
    /// scorecard engine and catalogue come from the OData and ingestion registrations.
    /// </summary>
    public static IServiceCollection AddReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportOptions>().Bind(configuration.GetSection(ReportOptions.Section));
        services.AddSingleton<ReportStore>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<ReportMailer>();
        services.AddSingleton<ReportPublisher>();
        var authorization = services.AddAuthorizationBuilder();
        foreach (var (name, roles) in ReportPolicies.Roles)
            authorization.AddPolicy(name, p => p.AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName).RequireRole(roles.Select(r => r.ToString())));
        return services;
    }
}
