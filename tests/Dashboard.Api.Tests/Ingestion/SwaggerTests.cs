using System.Text.Json;

namespace Dashboard.Api.Tests.Ingestion;

public sealed class SwaggerTests
{
    private static readonly (string Method, string Path)[] Expected =
    [
        ("get", "/api/sources"),
        ("get", "/api/sources/{id}"),
        ("post", "/api/sources/{id}/run"),
        ("get", "/api/sources/{id}/runs"),
        ("get", "/api/runs/{id}"),
        ("get", "/api/runs/{id}/rejections"),
        ("post", "/api/sources/{id}/uploads"),
        ("get", "/api/uploads/template.csv"),
        ("get", "/api/targets/{id}"),
        ("post", "/api/targets"),
        ("put", "/api/targets/{id}"),
        ("post", "/api/overrides"),
        ("get", "/api/overrides"),
        ("get", "/api/me"),
        ("get", "/api/me/api-keys"),
        ("post", "/api/me/api-keys"),
        ("delete", "/api/me/api-keys/{id}"),
        ("get", "/api/users"),
        ("post", "/api/users"),
        ("put", "/api/users/{id}/roles"),
        ("put", "/api/users/{id}/regions"),
        ("post", "/api/users/{id}/disable"),
        ("post", "/api/users/{id}/enable"),
        ("post", "/api/users/{id}/reset-password"),
        ("get", "/api/reports"),
        ("post", "/api/reports"),
        ("get", "/api/reports/{id}"),
        ("get", "/api/reports/{id}/files/{format}"),
        ("get", "/api/reports/compare"),
        ("get", "/api/notifications"),
        ("post", "/api/notifications/{id}/read"),
    ];

    private static async Task<JsonElement> SwaggerAsync()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var json = await client.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative));
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    [Fact]
    public async Task Every_api_operation_has_a_summary_and_a_success_response()
    {
        var paths = (await SwaggerAsync()).GetProperty("paths");
        var operations = paths.EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal) || p.Name == "/api")
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Method: o.Name, Path: p.Name, Operation: o.Value)))
            .ToList();
        Assert.Equal(Expected.Order(), operations.Select(o => (o.Method, o.Path)).Order());
        Assert.All(operations, o =>
        {
            Assert.True(o.Operation.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 10, $"{o.Method} {o.Path} has no summary");
            var responses = o.Operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            Assert.True(responses.Any(r => r.StartsWith('2')), $"{o.Method} {o.Path} declares no success response");
        });
    }

    [Fact]
    public async Task Limits_are_integers_with_their_range_and_the_upload_is_a_multipart_file()
    {
        var paths = (await SwaggerAsync()).GetProperty("paths");
        var limit = paths.GetProperty("/api/sources/{id}/runs").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "limit").GetProperty("schema");
        Assert.Equal("integer", limit.GetProperty("type").GetString());
        Assert.Equal(1, limit.GetProperty("minimum").GetInt32());
        Assert.Equal(500, limit.GetProperty("maximum").GetInt32());
        Assert.Equal(50, limit.GetProperty("default").GetInt32());

        var target = (await SwaggerAsync()).GetProperty("components").GetProperty("schemas").GetProperty("TargetInput").GetProperty("properties");
        Assert.Equal("PUBLIC_ABSORPTION", target.GetProperty("indicatorCode").GetProperty("example").GetString());
        Assert.Equal("ge", target.GetProperty("comparator").GetProperty("example").GetString());

        var content = paths.GetProperty("/api/sources/{id}/uploads").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.True(content.TryGetProperty("multipart/form-data", out _), content.ToString());
    }
}
