using System.Net.Http.Headers;
using System.Text.Json;
using Dashboard.Security.Roles;
using static Dashboard.Api.Tests.Security.SecurityFixture;

namespace Dashboard.Api.Tests.Security;

/// <summary>
/// The generated matrix: every role × every endpoint × inside / outside the caller's jurisdiction, each cell
/// with its expected answer, all asserted; then the horizontal-escalation attempts of a district officer.
/// </summary>
public sealed class AccessMatrixTests(SecurityFixture fx) : IClassFixture<SecurityFixture>
{
    private static readonly Role[] Readers = [Role.Leader, Role.Inspector, Role.DistrictOfficer, Role.ReportOffice, Role.SystemAdmin];

    /// <summary>One endpoint call, for the region it touches ("" when it touches none).</summary>
    public sealed record EndpointCall(string Name, HttpMethod Method, string Url, Func<HttpContent?> Body, Role[] Allowed, string Region);

    private static int _n;

    private static string Unique() => Interlocked.Increment(ref _n).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static object TargetBody(string region) => new
    {
        id = "T-MATRIX-" + region + "-" + Guid.NewGuid().ToString("N")[..8],
        regionCode = region, indicatorCode = "PUBLIC_ABSORPTION", kind = "Level", comparator = "ge", value = 0.9,
        startDate = "2021-09-01", deadline = "2023-12-31", document = "x.txt", clause = "测试", responsibleUnits = new[] { "县教育局" },
    };

    private static IEnumerable<EndpointCall> Calls()
    {
        foreach (var (region, target, fileSource) in new[] { (Own, OwnTarget, OwnFileSource), (Other, OtherTarget, OtherFileSource) })
        {
            yield return new("OData Observations by key", HttpMethod.Get, $"/odata/Observations(RegionCode='{region}',IndicatorCode='PUBLIC_ABSORPTION',Period=2022-03-01)", () => null, Readers, region);
            yield return new("source", HttpMethod.Get, $"/api/sources/{fileSource}", () => null, Readers, region);
            yield return new("source runs", HttpMethod.Get, $"/api/sources/{fileSource}/runs", () => null, Readers, region);
            yield return new("run", HttpMethod.Get, region == Own ? "/api/runs/run-own" : "/api/runs/run-other", () => null, Readers, region);
            yield return new("run rejections", HttpMethod.Get, region == Own ? "/api/runs/run-own/rejections" : "/api/runs/run-other/rejections", () => null, Readers, region);
            yield return new("upload", HttpMethod.Post, $"/api/sources/{fileSource}/uploads", () => Csv(CsvHeader + "\n" + Row(region, "2019-03", 1, 2) + "\n"), [Role.DistrictOfficer, Role.SystemAdmin], region);
            yield return new("overrides list", HttpMethod.Get, $"/api/overrides?regionCode={region}", () => null, Readers, region);
            yield return new("override", HttpMethod.Post, "/api/overrides", () => Json(new { regionCode = region, targetId = target, status = "AmberGreen", reason = "核查中 " + Unique(), validFrom = "2023-01-01" }), [Role.Inspector], region);
            yield return new("target create", HttpMethod.Post, "/api/targets", () => Json(TargetBody(region)), [Role.SystemAdmin], region);
            yield return new("reports list", HttpMethod.Get, $"/api/reports?city={region}", () => null, [Role.Leader, Role.Inspector, Role.ReportOffice, Role.SystemAdmin], region);
            yield return new("report generate", HttpMethod.Post, "/api/reports", () => Json(new { city = region, asOf = "2023-06-30" }), [Role.ReportOffice, Role.SystemAdmin], region);
        }
        yield return new("run now", HttpMethod.Post, $"/api/sources/{OwnHttpSource}/run", () => null, [Role.DistrictOfficer, Role.SystemAdmin], Own);
        yield return new("OData service document", HttpMethod.Get, "/odata", () => null, Enum.GetValues<Role>(), "");
        yield return new("OData $metadata", HttpMethod.Get, "/odata/$metadata", () => null, Enum.GetValues<Role>(), "");
        yield return new("OData Observations", HttpMethod.Get, "/odata/Observations", () => null, Readers, "");
        yield return new("OData Scorecard", HttpMethod.Get, "/odata/Scorecard?asOf=2023-06-30", () => null, Readers, "");
        yield return new("OData Indicators", HttpMethod.Get, "/odata/Indicators?$top=1", () => null, Readers, "");
        yield return new("OData ObservationRevisions", HttpMethod.Get, "/odata/ObservationRevisions?$top=1", () => null, Readers, "");
        yield return new("OData AuditEvents", HttpMethod.Get, "/odata/AuditEvents?$top=1", () => null, [Role.AuditAdmin], "");
        yield return new("sources", HttpMethod.Get, "/api/sources", () => null, Readers, "");
        yield return new("target history", HttpMethod.Get, $"/api/targets/{OwnTarget}", () => null, Readers, "");
        yield return new("users", HttpMethod.Get, "/api/users", () => null, [Role.SecurityAdmin], "");
        yield return new("me", HttpMethod.Get, "/api/me", () => null, Enum.GetValues<Role>(), "");
        yield return new("notifications", HttpMethod.Get, "/api/notifications", () => null, Enum.GetValues<Role>(), "");
        yield return new("upload template", HttpMethod.Get, "/api/uploads/template.csv", () => null, Enum.GetValues<Role>(), "");
    }

    /// <summary>
    /// Allowed: the role may use the endpoint and the region (if any) is inside its jurisdiction. A key lookup
    /// outside the jurisdiction finds nothing (404: its existence is not revealed); any other refusal is a 403.
    /// </summary>
    public static TheoryData<string, string, Role, bool> Matrix()
    {
        var data = new TheoryData<string, string, Role, bool>();
        foreach (var call in Calls())
            foreach (var role in Enum.GetValues<Role>())
            {
                var inside = call.Region.Length == 0 || RegionsOf(role).Any(root => Covers(root, call.Region));
                data.Add(call.Name, call.Region, role, call.Allowed.Contains(role) && inside);
            }
        return data;
    }

    // The seeded hierarchy, by hand: each province covers its cities' districts; 台州市 331000 covers 仙居 and 温岭.
    private static bool Covers(string root, string region) =>
        root == region || (root == "331000" && region is Own or Other) || (root == "330000" && region is Own or Other);

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Every_role_gets_exactly_what_its_duties_and_jurisdiction_allow(string name, string region, Role role, bool allowed)
    {
        var call = Calls().Single(c => c.Name == name && c.Region == region);
        var (status, raw, response) = await fx.SendAsync(role, call.Method, call.Url, call.Body());
        response.Dispose();
        if (allowed)
        {
            Assert.True(status is >= 200 and < 300, $"{role} {call.Method} {call.Url}: expected success, got {status} {raw}");
        }
        else if (call.Name == "OData Observations by key" && call.Allowed.Contains(role))
        {
            Assert.True(status == 404, $"{role} {call.Url}: expected 404 outside the jurisdiction, got {status} {raw}");
        }
        else
        {
            Assert.True(status == 403, $"{role} {call.Method} {call.Url}: expected 403, got {status} {raw}");
            Assert.DoesNotContain("\"value\"", raw, StringComparison.Ordinal);
        }
    }

    private async Task<List<JsonElement>> ReadAllAsync(Role role, string url)
    {
        var rows = new List<JsonElement>();
        for (var next = url; next is not null;)
        {
            var body = await fx.GetJsonAsync(role, next);
            rows.AddRange(body.GetProperty("value").EnumerateArray());
            next = body.TryGetProperty("@odata.nextLink", out var n) ? n.GetString() : null;
        }
        return rows;
    }

    private static IEnumerable<string> Regions(IEnumerable<JsonElement> rows) => rows.Select(r => r.GetProperty("RegionCode").GetString()!).Distinct();

    [Theory]
    [InlineData("$filter=RegionCode eq '331081'")]
    [InlineData("$filter=RegionCode eq '331024' or RegionCode eq '331081'")]
    [InlineData("$filter=true or RegionCode eq '331081'")]
    [InlineData("$filter=RegionCode ne 'x' or 1 eq 1")]
    [InlineData("$filter=startswith(RegionCode,'3310')")]
    [InlineData("$filter=RegionCode in ('331024','331081','331000')")]
    public async Task A_district_officers_filter_on_another_district_returns_nothing_of_it(string query)
    {
        var rows = await ReadAllAsync(Role.DistrictOfficer, "/odata/Observations?" + query);
        Assert.All(Regions(rows), r => Assert.Equal(Own, r));
    }

    [Fact]
    public async Task The_revision_history_shows_only_the_officers_district()
    {
        var rows = await ReadAllAsync(Role.DistrictOfficer, "/odata/ObservationRevisions?$filter=RegionCode eq '331081' or Revision ge 1");
        Assert.NotEmpty(rows);
        Assert.All(Regions(rows), r => Assert.Equal(Own, r));
    }

    [Fact]
    public async Task Apply_groupby_and_count_see_only_the_officers_district()
    {
        var groups = (await fx.GetJsonAsync(Role.DistrictOfficer, "/odata/Observations?$apply=filter(Period ge 2022-01-01 and Period lt 2024-01-01)/groupby((RegionCode),aggregate($count as N))")).GetProperty("value").EnumerateArray().ToList();
        var group = Assert.Single(groups);
        Assert.Equal(Own, group.GetProperty("RegionCode").GetString());
        Assert.Equal(4, group.GetProperty("N").GetInt32());

        var (status, raw, response) = await fx.SendAsync(Role.DistrictOfficer, HttpMethod.Get, "/odata/Observations/$count?$filter=Period ge 2022-01-01 and Period lt 2024-01-01");
        response.Dispose();
        Assert.Equal(200, status);
        Assert.Equal("4", raw);
        var (_, leaderRaw, leaderResponse) = await fx.SendAsync(Role.Leader, HttpMethod.Get, "/odata/Observations/$count?$filter=Period ge 2022-01-01 and Period lt 2024-01-01");
        leaderResponse.Dispose();
        Assert.Equal("8", leaderRaw); // the city's leader sees both districts: 4 + 4
    }

    [Fact]
    public async Task A_tampered_next_link_gives_nothing_from_another_district()
    {
        // The leader's listing of the city's scorecard comes in pages of 3, with next links naming its snapshot.
        var leaderRows = await ReadAllAsync(Role.Leader, "/odata/Scorecard?asOf=2023-06-30&$orderby=RegionCode");
        Assert.Contains(Other, Regions(leaderRows));
        var first = await fx.GetJsonAsync(Role.Leader, "/odata/Scorecard?asOf=2023-06-30&$orderby=RegionCode");
        var next = first.GetProperty("@odata.nextLink").GetString()!;
        var id = next[(next.IndexOf("snapshot=", StringComparison.Ordinal) + "snapshot=".Length)..];
        Assert.Equal(32, id.Length);
        // The officer replays it with the skip reset: the snapshot is the leader's, the jurisdiction the officer's.
        var link = "/odata/Scorecard?asOf=2023-06-30&$orderby=RegionCode&$skip=0&snapshot=";
        var rows = await ReadAllAsync(Role.DistrictOfficer, link + id);
        Assert.NotEmpty(rows);
        Assert.All(Regions(rows), r => Assert.Equal(Own, r));
        // The same with the whole absolute link as the leader got it.
        var replay = await ReadAllAsync(Role.DistrictOfficer, next);
        Assert.All(Regions(replay), r => Assert.Equal(Own, r));
    }

    [Fact]
    public async Task A_key_lookup_of_another_district_finds_nothing()
    {
        var (status, raw, response) = await fx.SendAsync(Role.DistrictOfficer, HttpMethod.Get,
            $"/odata/Observations(RegionCode='{Other}',IndicatorCode='PUBLIC_ABSORPTION',Period=2022-03-01)");
        response.Dispose();
        Assert.Equal(404, status);
        Assert.DoesNotContain("100", raw, StringComparison.Ordinal);
        var (targetStatus, _, r2) = await fx.SendAsync(Role.DistrictOfficer, HttpMethod.Get, $"/odata/Targets('{OtherTarget}')");
        r2.Dispose();
        Assert.Equal(404, targetStatus);
        // The city's own targets (inherited by the district) are visible; a sibling district's are not.
        var targets = await ReadAllAsync(Role.DistrictOfficer, "/odata/Targets?$select=Id,RegionCode");
        Assert.DoesNotContain(targets, t => t.GetProperty("RegionCode").GetString() == Other);
        Assert.Contains(targets, t => t.GetProperty("RegionCode").GetString() == "331000");
    }

    [Fact]
    public async Task An_upload_of_another_districts_rows_to_the_officers_own_source_stores_none_of_them()
    {
        // 2021-09 is this test's alone: no other test writes that term.
        var csv = CsvHeader + "\n" + Row(Own, "2021-09", 150, 200) + "\n" + Row(Other, "2021-09", 150, 200) + "\n";
        var (status, raw, response) = await fx.SendAsync(Role.DistrictOfficer, HttpMethod.Post, $"/api/sources/{OwnFileSource}/uploads", Csv(csv));
        response.Dispose();
        Assert.True(status == 200, raw);
        var result = JsonDocument.Parse(raw).RootElement;
        Assert.Equal(1, result.GetProperty("run").GetProperty("rowsLoaded").GetInt32());
        Assert.Equal(1, result.GetProperty("run").GetProperty("rowsRejected").GetInt32());
        Assert.Contains("不属于本数据源负责的地区", raw, StringComparison.Ordinal);
        var (countStatus, count, r2) = await fx.SendAsync(Role.Leader, HttpMethod.Get, $"/odata/Observations/$count?$filter=RegionCode eq '{Other}' and Period eq 2021-09-01");
        r2.Dispose();
        Assert.Equal(200, countStatus);
        Assert.Equal("0", count);
    }

    [Fact]
    public async Task The_service_answers_carry_the_security_headers_and_are_never_cached()
    {
        var (_, _, response) = await fx.SendAsync(Role.Leader, HttpMethod.Get, "/odata/Indicators?$top=1");
        using (response)
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.True(response.Headers.CacheControl?.NoStore);
        }
    }

    [Fact]
    public async Task A_revoked_key_or_a_disabled_account_is_refused_at_once()
    {
        using var security = fx.ClientAs(Role.SecurityAdmin);
        using var created = await security.PostAsync(new Uri("/api/users", UriKind.Relative),
            Json(new { userName = "revoke-" + Guid.NewGuid().ToString("N")[..6], displayName = "临时", roles = new[] { "Leader" }, regions = new[] { Own } }));
        Assert.Equal(201, (int)created.StatusCode);
        var user = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("user");
        var userId = user.GetProperty("id").GetString()!;

        // The one-time password must be changed first: the account cannot read before that.
        var users = fx.Factory.Services.GetService(typeof(Dashboard.Security.Users.UserStore)) as Dashboard.Security.Users.UserStore;
        Assert.Empty(await users!.ChangePasswordAsync(userId, "Xy9#" + Guid.NewGuid().ToString("N"), Dashboard.Security.Audit.Actor.Console("test"), CancellationToken.None));
        var keys = fx.Factory.Services.GetService(typeof(Dashboard.Security.ApiKeys.ApiKeyStore)) as Dashboard.Security.ApiKeys.ApiKeyStore;
        var key = await keys!.CreateAsync(userId, "t", Dashboard.Security.Audit.Actor.Console("test"), CancellationToken.None);

        using var client = fx.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        Assert.Equal(200, (int)(await client.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);

        using var disabled = await security.PostAsync(new Uri($"/api/users/{userId}/disable", UriKind.Relative), null);
        Assert.Equal(204, (int)disabled.StatusCode);
        Assert.Equal(401, (int)(await client.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);

        using var enabled = await security.PostAsync(new Uri($"/api/users/{userId}/enable", UriKind.Relative), null);
        Assert.Equal(204, (int)enabled.StatusCode);
        Assert.Equal(200, (int)(await client.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
        await keys.RevokeAsync(key.Info.Id, Dashboard.Security.Audit.Actor.Console("test"), CancellationToken.None);
        Assert.Equal(401, (int)(await client.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_administrator_cannot_be_given_a_second_role()
    {
        using var security = fx.ClientAs(Role.SecurityAdmin);
        using var response = await security.PostAsync(new Uri("/api/users", UriKind.Relative),
            Json(new { userName = "super-" + Guid.NewGuid().ToString("N")[..6], roles = new[] { "SystemAdmin", "AuditAdmin" }, regions = ApiFactory.AllRegions }));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("roles", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
