using System.Data.Common;
using Dashboard.Security.Store;
using Dashboard.Web.Api;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Health;

/// <summary>What /health answers: three words, no data and no error text (it is anonymous).</summary>
/// <param name="Status">ok when both parts answer, unavailable otherwise.</param>
/// <param name="Store">ok when the operational store (sessions, accounts) opens and answers a query.</param>
/// <param name="Api">ok when the api's own /health answers 200.</param>
public sealed record WebHealthReport(string Status, string Store, string Api);

/// <summary>
/// The web's liveness for docker-compose and load balancers: the web is useful only while it can validate
/// sessions (the store) and fetch numbers (the api). Failures are logged with their reason, never returned.
/// </summary>
public static class WebHealth
{
    /// <summary>The named client for the api's /health: no session forwarded, a short timeout.</summary>
    public const string ClientName = "api-health";

    public static IServiceCollection AddWebHealth(this IServiceCollection services)
    {
        services.AddHttpClient(ClientName, (sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<ApiOptions>>().Value.BaseUrl;
            http.Timeout = TimeSpan.FromSeconds(5);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapWebHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", CheckAsync).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> CheckAsync(OperationalDatabase store, IHttpClientFactory clients, ILogger<WebHealthReport> log, CancellationToken ct)
    {
        var storeOk = await StoreAnswersAsync(store, log, ct);
        var apiOk = await ApiAnswersAsync(clients.CreateClient(ClientName), log, ct);
        var report = new WebHealthReport(storeOk && apiOk ? "ok" : "unavailable", storeOk ? "ok" : "unavailable", apiOk ? "ok" : "unavailable");
        return Results.Json(report, statusCode: storeOk && apiOk ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<bool> StoreAnswersAsync(OperationalDatabase store, ILogger log, CancellationToken ct)
    {
        try
        {
            await using var connection = await store.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(ct);
            return true;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
        {
            log.LogWarning(e, "Health: the operational store does not answer");
            return false;
        }
    }

    private static async Task<bool> ApiAnswersAsync(HttpClient http, ILogger log, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("health", UriKind.Relative), ct);
            if (response.IsSuccessStatusCode) return true;
            log.LogWarning("Health: the api's /health answered {Status}", (int)response.StatusCode);
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Health: the api does not answer");
            return false;
        }
    }
}
