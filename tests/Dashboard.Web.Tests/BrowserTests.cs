using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Dashboard.Security.Roles;
using Microsoft.Playwright;

namespace Dashboard.Web.Tests;

/// <summary>The dashboard in headless Chromium against the real api and ClickHouse.</summary>
[Collection(WebGroup.Name)]
public sealed class BrowserTests(WebFixture fx)
{
    private string Url(string path) => fx.Web.Address + path;

    [Theory]
    [InlineData(Role.Leader, "/Overview")]
    [InlineData(Role.Inspector, "/Overview")]
    [InlineData(Role.DistrictOfficer, "/Overview")]
    [InlineData(Role.ReportOffice, "/Overview")]
    [InlineData(Role.SystemAdmin, "/Data")]
    [InlineData(Role.SecurityAdmin, "/Users")]
    [InlineData(Role.AuditAdmin, "/Audit")]
    public async Task Each_role_signs_in_and_lands_on_its_start_page(Role role, string start)
    {
        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, role);
        Assert.StartsWith(Url(start), page.Url, StringComparison.Ordinal);
        Assert.Contains("测试" + WebFixture.RoleName(role), await page.InnerTextAsync("header"), StringComparison.Ordinal);
        await WebFixture.ScreenshotAsync(page, "start-" + role.ToString().ToLowerInvariant());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Unauthenticated_requests_go_to_sign_in_and_a_wrong_password_gets_the_generic_message()
    {
        var (page, errors) = await fx.NewPageAsync();
        await page.GotoAsync(Url("/Overview?city=331000"));
        Assert.StartsWith(Url("/Account/SignIn?returnUrl="), page.Url, StringComparison.Ordinal);
        await page.FillAsync("#UserName", fx.Users[Role.Leader]);
        await page.FillAsync("#Password", "wrong-password");
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("用户名或密码错误", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        await WebFixture.ScreenshotAsync(page, "signin");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Overview_to_a_lagging_district_to_a_numbers_lineage_to_its_pull_run()
    {
        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.Inspector);
        await page.GotoAsync(Url($"/Overview?city={WebFixture.City}&asOf={WebFixture.AsOf}"));
        Assert.Contains("台州市", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        await WebFixture.ScreenshotAsync(page, "overview");

        // The worst lagging region is first; its link opens the region drill-down.
        var first = page.Locator("#tbl-lagging tbody tr").First.Locator("td").Nth(1).Locator("a");
        var district = await first.InnerTextAsync();
        await first.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.StartsWith(Url("/Regions/View?code="), page.Url, StringComparison.Ordinal);
        Assert.Contains(district, await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        await WebFixture.ScreenshotAsync(page, "region");

        // A number's lineage: the observations behind it, each with its pull run.
        await page.Locator("#tbl-targets a", new() { HasTextString = "查看来源" }).First.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.StartsWith(Url("/Regions/Lineage?"), page.Url, StringComparison.Ordinal);
        await WebFixture.ScreenshotAsync(page, "lineage");
        var run = page.Locator("#tbl-lineage tbody tr").First.Locator("a[href^='/Runs/View']");
        var runId = await run.InnerTextAsync();
        await run.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal(runId, await page.InnerTextAsync("[data-testid=run-id]"));
        await WebFixture.ScreenshotAsync(page, "run");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Overview_numbers_equal_the_apis_for_the_same_query()
    {
        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.Leader);
        await page.GotoAsync(Url($"/Overview?city={WebFixture.City}&asOf={WebFixture.AsOf}"));

        // The same query against the api, as this user (the session token the web forwards).
        var token = (await page.Context.CookiesAsync()).Single(c => c.Name == "dashboard_session").Value;
        using var http = new HttpClient { BaseAddress = new Uri(fx.Api.Address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var json = await http.GetStringAsync($"/odata/Scorecard?asOf={WebFixture.AsOf}&$filter=RegionCode%20eq%20'{WebFixture.City}'");
        var rows = JsonDocument.Parse(json).RootElement.GetProperty("value").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        var checkedTiles = 0;
        foreach (var row in rows)
        {
            var targetId = row.GetProperty("TargetId").GetString()!;
            var shown = await page.InnerTextAsync($"[data-testid='actual-{targetId}']");
            var actual = row.GetProperty("Actual");
            var expected = actual.ValueKind == JsonValueKind.Null ? "—"
                : row.GetProperty("IndicatorCode").GetString() is "PUBLIC_ABSORPTION" or "MIGRANT_SCHOOL_STANDARD"
                    ? (actual.GetDecimal() * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%"
                    : null;
            if (expected is null) continue;
            Assert.Equal(expected, shown);
            checkedTiles++;
        }
        Assert.True(checkedTiles >= 2, $"only {checkedTiles} tiles compared");

        // And the lagging list holds exactly the api's lagging rows below the city.
        var lagging = await http.GetStringAsync($"/odata/Scorecard/$count?asOf={WebFixture.AsOf}&$filter=RegionCode%20ne%20'{WebFixture.City}'%20and%20Status%20in%20('Missed','Red','AmberRed')");
        Assert.Equal(int.Parse(lagging.Trim(), CultureInfo.InvariantCulture), await page.Locator("#tbl-lagging tbody tr:not(:has(td.empty))").CountAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_district_officer_cannot_reach_another_district_by_editing_the_url()
    {
        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.DistrictOfficer);
        await page.GotoAsync(Url($"/Overview?asOf={WebFixture.AsOf}"));
        var options = await page.Locator("#city option").AllInnerTextsAsync();
        Assert.Equal(["椒江区"], options);
        await WebFixture.ScreenshotAsync(page, "overview-district-officer");

        foreach (var path in new[] { "/Regions/View?code=331003", $"/Overview?city={WebFixture.City}", "/Regions/Lineage?code=331003&indicator=PUBLIC_ABSORPTION", "/Runs/View?id=run-331003-1" })
        {
            var response = await page.GotoAsync(Url(path));
            Assert.True(response!.Status is 403 or 404, $"{path}: {response.Status}");
            Assert.DoesNotContain("黄岩区", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        }
        // Pages of other roles answer 403.
        var audit = await page.GotoAsync(Url("/Audit"));
        Assert.Equal(403, audit!.Status);
        Assert.DoesNotContain(errors, e => !e.Contains("403", StringComparison.Ordinal) && !e.Contains("404", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_control_shows_keyboard_focus_and_charts_have_text_alternatives()
    {
        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.Leader);
        await page.GotoAsync(Url($"/Overview?city={WebFixture.City}&asOf={WebFixture.AsOf}"));
        var seen = 0;
        for (var i = 0; i < 25; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var outline = await page.EvaluateAsync<string>("() => { const e = document.activeElement; if (!e || e === document.body) return 'body'; const s = getComputedStyle(e); return e.tagName + '|' + s.outlineStyle + '|' + s.outlineWidth; }");
            if (outline == "body") continue;
            var parts = outline.Split('|');
            Assert.True(parts[1] != "none" && parts[2] != "0px", $"focus not visible on {outline} (tab {i + 1})");
            seen++;
        }
        Assert.True(seen >= 20);
        await page.Keyboard.PressAsync("Tab");
        await WebFixture.ScreenshotAsync(page, "overview-keyboard-focus");

        foreach (var canvas in await page.Locator("canvas").AllAsync())
        {
            Assert.Equal("img", await canvas.GetAttributeAsync("role"));
            Assert.False(string.IsNullOrWhiteSpace(await canvas.GetAttributeAsync("aria-label")));
        }
        Assert.True(await page.Locator("canvas").CountAsync() >= 1);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Csv_download_holds_the_tables_rows_with_formulas_neutralised()
    {
        var (page, _) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.Inspector);
        var response = await page.APIRequest.GetAsync(Url("/Runs/View?id=run-331002-1&handler=Csv&table=rejections"));
        Assert.Equal(200, response.Status);
        var text = await response.TextAsync();
        Assert.Contains("行号,地区,字段,原因,原始内容,时间", text, StringComparison.Ordinal);
        Assert.Contains("分子不是数字", text, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}
