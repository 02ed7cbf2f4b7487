using System.Net;
using System.Text.Json;
using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Migrations;

namespace Dashboard.Api.Tests.Health;

public sealed class HealthTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body, string Raw)> GetHealthAsync(ApiFactory factory)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), raw);
    }

    [Fact]
    public async Task A_migrated_database_is_healthy_and_reports_version_and_latest_migration()
    {
        await using var factory = new ApiFactory();
        var shipped = Path.Combine(AppContext.BaseDirectory, "sql");
        var migrator = new ClickHouseMigrator(factory.ConnectionString, shipped);
        await migrator.MigrateAsync(CancellationToken.None);

        var (status, body, raw) = await GetHealthAsync(factory);
        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("clickHouse").GetProperty("reachable").GetBoolean());
        Assert.StartsWith("18.", body.GetProperty("clickHouse").GetProperty("version").GetString() ?? "", StringComparison.Ordinal);
        var files = migrator.ReadFiles();
        Assert.Equal(files.Count, body.GetProperty("migrations").GetProperty("applied").GetInt32());
        Assert.Equal(files[^1].Name, body.GetProperty("migrations").GetProperty("latest").GetString());
        Assert.Equal(0, body.GetProperty("migrations").GetProperty("pending").GetArrayLength());
    }

    [Fact]
    public async Task An_unmigrated_database_is_unhealthy_and_lists_the_pending_files()
    {
        await using var factory = new ApiFactory();
        var (status, body, raw) = await GetHealthAsync(factory);
        Assert.True(status == HttpStatusCode.ServiceUnavailable, raw);
        Assert.True(body.GetProperty("clickHouse").GetProperty("reachable").GetBoolean());
        var pending = body.GetProperty("migrations").GetProperty("pending").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("0001_observations.sql", pending);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_without_the_password()
    {
        var server = new ClickHouseConnectionStringBuilder(Environment.GetEnvironmentVariable("DASHBOARD_TEST_CLICKHOUSE")) { Port = 1, Database = "x" };
        await using var factory = new ApiFactory(server.ConnectionString);
        var (status, body, raw) = await GetHealthAsync(factory);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.False(body.GetProperty("clickHouse").GetProperty("reachable").GetBoolean());
        Assert.Contains("127.0.0.1:1", body.GetProperty("clickHouse").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Password, raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swagger_describes_the_health_operation_with_a_summary()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var json = await client.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative));
        var doc = JsonDocument.Parse(json).RootElement;
        var get = doc.GetProperty("paths").GetProperty("/health").GetProperty("get");
        Assert.Equal("ClickHouse reachability and migration state", get.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Without_a_token_every_route_but_health_is_a_problem_details_401()
    {
        // Deny by default: even a route that does not exist tells an anonymous caller nothing but "authenticate".
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        foreach (var path in new[] { "/nope", "/odata", "/odata/Observations", "/api/sources", "/api/me" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, path);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task An_unknown_route_is_a_problem_details_404_for_a_signed_in_caller()
    {
        await using var db = await Dashboard.Testing.TestDatabase.CreateAsync("apihealth", Dashboard.Testing.Schema.Full);
        await using var factory = new ApiFactory(db.ConnectionString);
        using var client = await factory.ClientAsAsync(Dashboard.Security.Roles.Role.Leader);
        using var response = await client.GetAsync(new Uri("/nope", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
