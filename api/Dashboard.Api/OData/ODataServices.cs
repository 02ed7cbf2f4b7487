using Dashboard.Data.Scorecard;
using Dashboard.OData.Translation;
using Microsoft.Extensions.Options;

namespace Dashboard.Api.OData;

internal static class ODataServices
{
    /// <summary>The translator with the configured limits, the scorecard engine and the store of materialised scorecards.</summary>
    public static IServiceCollection AddODataService(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ODataApiOptions>()
            .Bind(configuration.GetSection(ODataApiOptions.Section))
            .Validate(o => o.PageSize > 0 && o.MaxTop >= 0 && o.MaxFilterNodes > 0 && o.MaxOrderByItems > 0 && o.QueryTimeoutSeconds > 0 && o.MaxMemoryBytes > 0,
                $"{ODataApiOptions.Section}: PageSize, MaxFilterNodes, MaxOrderByItems, QueryTimeoutSeconds and MaxMemoryBytes must be positive, MaxTop non-negative.")
            .ValidateOnStart();
        services.AddSingleton(sp => new ODataSqlTranslator(sp.GetRequiredService<IOptions<ODataApiOptions>>().Value.ToTranslatorOptions()));
        services.AddOptions<ScorecardOptions>().Bind(configuration.GetSection("Scorecard"));
        services.AddSingleton<ScorecardEngine>();
        services.AddSingleton<ScorecardResultStore>();
        return services;
    }
}
