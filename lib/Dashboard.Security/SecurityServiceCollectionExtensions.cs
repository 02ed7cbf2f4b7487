using Dashboard.Data.Storage;
using Dashboard.Security.ApiKeys;
using Dashboard.Security.Audit;
using Dashboard.Security.Cases;
using Dashboard.Security.SignIn;
using Dashboard.Security.Store;
using Dashboard.Security.Users;
using Dashboard.Security.Setup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dashboard.Security;

/// <summary>Registers the security services.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="SecurityOptions"/> from section <c>Security</c> (validated at once) and registers
    /// the store, sign-in, sessions, API keys, cases and setup as singletons, with <see cref="AuditLog"/>
    /// as the audit sink (it needs a <see cref="ClickHouseDatabase"/> registration) and
    /// <see cref="TimeProvider.System"/> unless a clock is already registered.
    /// </summary>
    public static IServiceCollection AddDashboardSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new SecurityOptions();
        configuration.GetSection(SecurityOptions.SectionName).Bind(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new OperationalDatabase(options));
        services.AddSingleton<StoreMigrator>();
        services.AddSingleton<AuditLog>();
        services.TryAddSingleton<IAuditSink>(sp => sp.GetRequiredService<AuditLog>());
        services.AddSingleton<UserStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<SignInService>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<CaseStore>();
        services.AddSingleton<FirstAdministrator>();
        return services;
    }
}
