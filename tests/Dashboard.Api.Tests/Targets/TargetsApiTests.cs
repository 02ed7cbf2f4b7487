using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dashboard.Security.Roles;
using Dashboard.Testing;

namespace Dashboard.Api.Tests.Targets;

/// <summary>One api over a fully migrated (seeded) database per test class.</summary>
public sealed class CatalogueApiFixture : IAsyncLifetime
{
    private TestDatabase? _db;

    public ApiFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("apitargets", Schema.Full);
        Factory = new ApiFactory(_db.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_db is not null) await _db.DisposeAsync();
    }
}

public sealed class TargetsApiTests(CatalogueApiFixture fx) : IClassFixture<CatalogueApiFixture>
{
    private static object Valid(string id, decimal value = 0.9m) => new
    {
        id,
        regionCode = "320583",
        indicatorCode = "PUBLIC_ABSORPTION",
        kind = "Level",
        comparator = "ge",
        value,
        startDate = "2021-09-01",
        deadline = "2023-12-31",
        document = "测试文件.txt",
        clause = "到2023年，随迁子女在公办学校就读比例达到90%。",
        responsibleUnits = new[] { "市教育局" },
    };

    private async Task<(HttpStatusCode Status, JsonElement Body, string Raw)> SendAsync(HttpMethod method, string url, string json)
    {
        // Overrides are the inspector's; targets the system administrator's.
        using var client = await fx.Factory.ClientAsAsync(url.StartsWith("/api/overrides", StringComparison.Ordinal) ? Role.Inspector : Role.SystemAdmin);
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, raw.Length > 0 ? JsonDocument.Parse(raw).RootElement.Clone() : default, raw);
    }

    private Task<(HttpStatusCode Status, JsonElement Body, string Raw)> SendAsync(HttpMethod method, string url, object body) =>
        SendAsync(method, url, JsonSerializer.Serialize(body));

    [Fact]
    public async Task A_target_is_created_then_edited_into_a_second_version_and_the_history_keeps_both()
    {
        var (created, body, raw) = await SendAsync(HttpMethod.Post, "/api/targets", Valid("T-API-1"));
        Assert.True(created == HttpStatusCode.Created, raw);
        Assert.Equal(1, body.GetProperty("target").GetProperty("version").GetInt32());

        var edit = JsonSerializer.Serialize(Valid("T-API-1", 0.95m)).TrimEnd('}') + ",\"changeNote\":\"按修订稿调整\"}";
        var (edited, editBody, editRaw) = await SendAsync(HttpMethod.Put, "/api/targets/T-API-1", edit);
        Assert.True(edited == HttpStatusCode.OK, editRaw);
        Assert.Equal(2, editBody.GetProperty("target").GetProperty("version").GetInt32());

        using var client = await fx.Factory.ClientAsAsync(Role.Leader);
        var history = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/targets/T-API-1", UriKind.Relative));
        Assert.Equal([0.9m, 0.95m], history.EnumerateArray().Select(v => v.GetProperty("target").GetProperty("value").GetDecimal()));
        Assert.Equal("按修订稿调整", history[1].GetProperty("changeNote").GetString());

        // OData serves the current version only.
        using var odata = await client.GetAsync(new Uri("/odata/Targets('T-API-1')", UriKind.Relative));
        var current = JsonDocument.Parse(await odata.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0.95m, current.GetProperty("Value").GetDecimal());
        Assert.Equal(2, current.GetProperty("Version").GetInt64());
    }

    [Theory]
    [InlineData("regionCode", "\"regionCode\":\"999999\"", "999999")]
    [InlineData("indicatorCode", "\"indicatorCode\":\"NOPE\"", "NOPE")]
    [InlineData("kind", "\"kind\":\"Sometimes\"", "Level")]
    [InlineData("kind", "\"kind\":\"1\"", "Level")]
    [InlineData("comparator", "\"comparator\":\"approx\"", "ge")]
    [InlineData("deadline", "\"deadline\":\"2020-01-01\"", "after startDate")]
    [InlineData("startDate", "\"startDate\":\"2021/09/01\"", "yyyy-MM-dd")]
    [InlineData("value", "\"value\":\"ninety\"", "value")]
    [InlineData("clause", "\"clause\":\"  \"", "clause")]
    [InlineData("baselinePeriod", "\"kind\":\"ChangeFromBaseline\"", "baselinePeriod")]
    [InlineData("baselinePeriod", "\"baselinePeriod\":\"2021-10-01\"", "2021-09-01")]
    public async Task An_invalid_target_is_a_400_naming_the_field(string field, string replacement, string mentioned)
    {
        var json = JsonSerializer.Serialize(Valid("T-BAD-" + field));
        var name = replacement[1..replacement.IndexOf('"', 1)];
        var start = json.IndexOf("\"" + name + "\":", StringComparison.Ordinal);
        if (start >= 0)
        {
            var end = json.IndexOf(",\"", start + 1, StringComparison.Ordinal);
            json = json[..start] + replacement + json[end..];
        }
        else json = json.TrimEnd('}') + "," + replacement + "}";

        var (status, body, raw) = await SendAsync(HttpMethod.Post, "/api/targets", json);
        Assert.True(status == HttpStatusCode.BadRequest, raw);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out var messages), raw);
        Assert.Contains(mentioned, messages[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_an_existing_id_is_a_409_and_editing_a_missing_one_a_404()
    {
        var (first, _, raw) = await SendAsync(HttpMethod.Post, "/api/targets", Valid("T-API-DUP"));
        Assert.True(first == HttpStatusCode.Created, raw);
        var (second, _, raw2) = await SendAsync(HttpMethod.Post, "/api/targets", Valid("T-API-DUP"));
        Assert.True(second == HttpStatusCode.Conflict, raw2);
        var (missing, _, raw3) = await SendAsync(HttpMethod.Put, "/api/targets/T-NOWHERE",
            JsonSerializer.Serialize(Valid("T-NOWHERE")).TrimEnd('}') + ",\"changeNote\":\"x\"}");
        Assert.True(missing == HttpStatusCode.NotFound, raw3);
    }

    [Fact]
    public async Task An_edit_without_a_change_note_or_with_another_id_is_refused()
    {
        await SendAsync(HttpMethod.Post, "/api/targets", Valid("T-API-NOTE"));
        var (noNote, body, raw) = await SendAsync(HttpMethod.Put, "/api/targets/T-API-NOTE", Valid("T-API-NOTE", 0.8m));
        Assert.True(noNote == HttpStatusCode.BadRequest, raw);
        Assert.True(body.GetProperty("errors").TryGetProperty("changeNote", out _));
        var (otherId, body2, raw2) = await SendAsync(HttpMethod.Put, "/api/targets/T-API-NOTE",
            JsonSerializer.Serialize(Valid("T-API-OTHER")).TrimEnd('}') + ",\"changeNote\":\"x\"}");
        Assert.True(otherId == HttpStatusCode.BadRequest, raw2);
        Assert.True(body2.GetProperty("errors").TryGetProperty("id", out _));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_not_a_500()
    {
        var (status, body, raw) = await SendAsync(HttpMethod.Post, "/api/targets", "{\"id\": \"T-X\", \"value\": ");
        Assert.True(status == HttpStatusCode.BadRequest, raw);
        Assert.True(body.TryGetProperty("errors", out _), raw);
        Assert.DoesNotContain("   at ", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_override_needs_a_reason_and_is_listed_and_shown_beside_the_computed_rating()
    {
        var (noReason, body, raw) = await SendAsync(HttpMethod.Post, "/api/overrides",
            new { regionCode = "320583", targetId = "T-API-OVR", status = "Green", reason = " " });
        Assert.True(noReason == HttpStatusCode.BadRequest, raw);
        Assert.True(body.GetProperty("errors").TryGetProperty("reason", out _));

        var (badStatus, body2, raw2) = await SendAsync(HttpMethod.Post, "/api/overrides",
            new { regionCode = "320583", targetId = "T-API-OVR", status = "Purple", reason = "x" });
        Assert.True(badStatus == HttpStatusCode.BadRequest, raw2);
        Assert.True(body2.GetProperty("errors").TryGetProperty("status", out _));

        var (unknownTarget, _, raw3) = await SendAsync(HttpMethod.Post, "/api/overrides",
            new { regionCode = "320583", targetId = "T-API-OVR", status = "Green", reason = "x" });
        Assert.True(unknownTarget == HttpStatusCode.NotFound, raw3);

        await SendAsync(HttpMethod.Post, "/api/targets", Valid("T-API-OVR"));
        var (ok, created, raw4) = await SendAsync(HttpMethod.Post, "/api/overrides",
            new { regionCode = "320583", targetId = "T-API-OVR", status = "AmberGreen", reason = "新建学校已投用，数据尚未上报。", validFrom = "2023-01-01" });
        Assert.True(ok == HttpStatusCode.Created, raw4);
        Assert.Equal("AmberGreen", created.GetProperty("override").GetProperty("status").GetString());

        using var client = await fx.Factory.ClientAsAsync(Role.Leader);
        var list = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/overrides?regionCode=320583&targetId=T-API-OVR", UriKind.Relative));
        Assert.Equal("新建学校已投用，数据尚未上报。", Assert.Single(list.EnumerateArray()).GetProperty("override").GetProperty("reason").GetString());

        // The scorecard keeps the computed status and carries the override beside it.
        using var card = await client.GetAsync(new Uri("/odata/Scorecard?asOf=2023-06-30&$filter=RegionCode eq '320583' and TargetId eq 'T-API-OVR'", UriKind.Relative));
        var row = Assert.Single(JsonDocument.Parse(await card.Content.ReadAsStringAsync()).RootElement.GetProperty("value").EnumerateArray());
        Assert.Equal("NoData", row.GetProperty("Status").GetString());
        Assert.Equal("AmberGreen", row.GetProperty("OverrideStatus").GetString());
    }
}
