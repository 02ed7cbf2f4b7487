using Dashboard.ClickHouse.Migrations;
using Microsoft.Extensions.Options;

namespace Dashboard.Api.Health;

/// <summary>What /health reports: whether ClickHouse answers and whether its schema matches the migrations.</summary>
/// <param name="Status">Healthy when ClickHouse answers and every migration is applied unchanged.</param>
/// <param name="ClickHouse">The database server.</param>
/// <param name="Migrations">The schema against the migration files this build ships.</param>
public sealed record HealthReport(string Status, ClickHouseHealth ClickHouse, MigrationHealth Migrations);

/// <summary>ClickHouse reachability.</summary>
/// <param name="Reachable">The server answered.</param>
/// <param name="Version">The server's version when it answered.</param>
/// <param name="Error">Why it did not answer (no credentials in it).</param>
public sealed record ClickHouseHealth(bool Reachable, string? Version, string? Error);

/// <summary>Migration state.</summary>
/// <param name="Applied">Number of migrations recorded in the database.</param>
/// <param name="Latest">The latest applied migration file.</param>
/// <param name="Pending">Files not applied yet.</param>
/// <param name="Modified">Applied files edited afterwards.</param>
public sealed record MigrationHealth(int Applied, string? Latest, IReadOnlyList<string> Pending, IReadOnlyList<string> Modified);

/// <summary>Configuration of the ClickHouse connection.</summary>
public sealed class ClickHouseOptions
{
    /// <summary>Folder of the NNNN_*.sql files; default: the sql folder shipped next to the api.</summary>
    public string MigrationsPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "sql");
}

internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", GetHealthAsync)
            .AllowAnonymous()
            .WithName("GetHealth")
            .WithTags("Health")
            .WithSummary("ClickHouse reachability and migration state")
            .WithDescription("200 when ClickHouse answers and every migration is applied unchanged; 503 otherwise, with what is wrong.")
            .Produces<HealthReport>(StatusCodes.Status200OK)
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> GetHealthAsync(IConfiguration configuration, IOptions<ClickHouseOptions> options, ILogger<HealthReport> logger, CancellationToken ct)
    {
        var connectionString = configuration.GetConnectionString("ClickHouse") ?? "";
        MigrationStatus? status = null;
        string? version = null;
        string? error = null;
        try
        {
            var migrator = new ClickHouseMigrator(connectionString, options.Value.MigrationsPath);
            status = await migrator.GetStatusAsync(ct);
            await using var connection = new ClickHouse.Ado.ClickHouseConnection(connectionString);
            await connection.OpenAsync(ct);
            version = connection.ServerVersion;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or MigrationException or ArgumentException)
        {
            // The message names the endpoint or the server's error; connection strings never reach it.
            error = e.Message;
            logger.LogWarning("Health check failed: {Error}", e.Message);
        }

        var migrations = status is null
            ? new MigrationHealth(0, null, [], [])
            : new MigrationHealth(status.Applied.Count, (status.Applied.Count > 0 ? status.Applied[^1].Name : null), status.Pending.Select(p => p.Name).ToList(), status.Modified);
        var healthy = error is null && status is { UpToDate: true };
        var report = new HealthReport(healthy ? "Healthy" : "Unhealthy", new ClickHouseHealth(error is null, version, error), migrations);
        return Results.Json(report, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
