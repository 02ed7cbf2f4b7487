using DistrictSimulator.Admin;
using DistrictSimulator.Faults;
using DistrictSimulator.Generation;
using DistrictSimulator.Reference;
using Microsoft.Extensions.Options;

namespace DistrictSimulator.Sources;

/// <summary>Loads the catalogue, generates every source's rows and applies the configured faults, before the server listens.</summary>
internal static class SimulatorStartup
{
    public static async Task InitializeAsync(WebApplication app, CancellationToken ct)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DistrictSimulator");
        var options = app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
        var today = options.ResolveToday(app.Services.GetRequiredService<TimeProvider>());

        var catalogue = await ReferenceCatalogue.LoadAsync(app.Configuration.GetConnectionString("ClickHouse"), ct);
        foreach (var skipped in catalogue.Targets.Select(t => t.IndicatorCode).Distinct(StringComparer.Ordinal)
                     .Select(c => catalogue.Indicators.GetValueOrDefault(c)).OfType<Dashboard.Data.Catalogue.Indicator>()
                     .Where(i => !FeedGenerator.Servable(i)).OrderBy(i => i.Code, StringComparer.Ordinal))
        {
            logger.LogWarning("Indicator {Indicator} ({Unit}) is not served: its numerator exceeds its denominator by nature, which the feed contract calls invalid.",
                skipped.Code, skipped.Unit);
        }

        var sources = new FeedGenerator(catalogue, options.Seed, today).Generate();
        var data = new SimulatorData(options.Seed, today, catalogue, sources);

        var auth = app.Services.GetRequiredService<SourceAuth>();
        var tokenless = sources.Where(s => auth.TokenFor(s.Id) is null).Select(s => s.Id).ToList();
        if (tokenless.Count > 0)
            throw new InvalidOperationException(
                $"Simulator:Token is not set (nor Simulator:Tokens:{{sourceId}} for {string.Join(", ", tokenless)}): every source needs a bearer token.");
        foreach (var id in options.Tokens.Keys.Where(id => data.Find(id) is null))
            throw new InvalidOperationException($"Simulator:Tokens:{id} names no source; GET /v1/sources lists them.");

        var faults = app.Services.GetRequiredService<FaultRegistry>();
        foreach (var (id, settings) in options.Faults.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (data.Find(id) is null) throw new InvalidOperationException($"Simulator:Faults:{id} names no source; GET /v1/sources lists them.");
            try
            {
                faults.Set(id, settings);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"Simulator:Faults:{id}: {e.Message}", e);
            }
            logger.LogInformation("Faults of {Source} from configuration: {Faults}", id, AdminEndpoints.Describe(settings.Normalized()));
        }

        app.Services.GetRequiredService<SimulatorState>().Load(data);
        logger.LogInformation("District simulator: {Sources} sources, {Rows} rows, seed {Seed}, today {Today}; admin endpoints {Admin}; per-source tokens for {Overrides} source(s).",
            sources.Count, sources.Sum(s => s.Rows.Count), options.Seed, today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            string.IsNullOrEmpty(options.AdminToken) ? "disabled" : "enabled", options.Tokens.Count);
        foreach (var s in sources)
            logger.LogInformation("Source {Source} ({County}): {Profile}, {Regions} region(s), {Indicators} indicator(s), {Rows} rows",
                s.Id, s.County.Name, s.Profile, s.Leaves.Count, s.Indicators.Count, s.Rows.Count);
    }
}
