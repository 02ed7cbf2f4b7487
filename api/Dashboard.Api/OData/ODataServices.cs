using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
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
        // OData statements run as the read-only ClickHouse user when one is configured (scripts/clickhouse.sh makes
        // 'dashboard_reader': readonly, with a time and memory limit per query); the writer otherwise.
        services.AddSingleton(sp => new ODataReadDatabase(configuration.GetConnectionString("ClickHouseRead") is { Length: > 0 } read
            ? new ClickHouseDatabase(read)
            : sp.GetRequiredService<ClickHouseDatabase>()));
        services.AddOptions<ScorecardOptions>().Bind(configuration.GetSection("Scorecard"));
        services.AddSingleton<ScorecardEngine>();
        services.AddSingleton<ScorecardResultStore>();
        return services;
    }
}

/// <summary>The connection the OData service reads with (the read-only user where configured).</summary>
internal sealed record ODataReadDatabase(ClickHouseDatabase Database);
