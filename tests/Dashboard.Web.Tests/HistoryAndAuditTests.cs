using System.Text.Json;
using Dashboard.Security.Audit;
using Dashboard.Security.Cases;
using Dashboard.Security.Roles;
using Dashboard.Security.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.Web.Tests;

/// <summary>Revision history, the audit trail through the api, forced password change, next runs, case history, /health.</summary>
[Collection(WebGroup.Name)]
public sealed class HistoryAndAuditTests(WebFixture fx)
{
    private string Url(string path) => fx.Web.Address + path;

    [Fact]
    public async Task First_sign_in_with_a_one_time_password_must_change_it_then_reaches_the_overview()
    {
        var users = fx.Web.Services.GetRequiredService<UserStore>();
        var name = "web-first-" + Guid.NewGuid().ToString("N")[..8];
        var created = await users.CreateAsync(new NewUser(name, "首次登录", [Role.Leader], [WebFixture.City]), Actor.Console("web-tests"), CancellationToken.None);

        var (page, errors) = await fx.NewPageAsync();
        await page.GotoAsync(Url("/Account/SignIn"));
        await page.FillAsync("#UserName", name);
        await page.FillAsync("#Password", created.OneTimePassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.StartsWith(Url("/Account/ChangePassword"), page.Url, StringComparison.Ordinal);
        Assert.Contains("首次登录或密码已过期", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        // Any other page sends the session back to the change page until the password is changed.
        await page.GotoAsync(Url($"/Overview?city={WebFixture.City}"));
        Assert.StartsWith(Url("/Account/ChangePassword"), page.Url, StringComparison.Ordinal);

        await page.FillAsync("#CurrentPassword", created.OneTimePassword);
        await page.FillAsync("#NewPassword", "Hv4$tR8!nQ2z");
        await page.FillAsync("#ConfirmPassword", "Hv4$tR8!nQ2z");
        // The form's own button: the header's sign-out is a submit button too.
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.StartsWith(Url("/Overview"), page.Url, StringComparison.Ordinal);
        Assert.Contains("首次登录", await page.InnerTextAsync("header"), StringComparison.Ordinal);
        await WebFixture.ScreenshotAsync(page, "after-password-change");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Lineage_lists_both_revisions_of_a_restated_number_and_marks_the_current_one()
    {
        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.Inspector);
        await page.GotoAsync(Url($"/Regions/Lineage?code={WebFixture.RestatedCounty}&indicator=PUBLIC_ABSORPTION&period={WebFixture.Day(WebFixture.RestatedPeriod)}&asOf={WebFixture.AsOf}"));
        var rows = page.Locator("#tbl-revisions tbody tr");
        Assert.Equal(2, await rows.CountAsync());
        var current = await rows.Nth(0).InnerTextAsync();
        var old = await rows.Nth(1).InnerTextAsync();
        Assert.Contains("✔ 当前", current, StringComparison.Ordinal);
        Assert.Contains($"run-{WebFixture.RestatedCounty}-2", current, StringComparison.Ordinal);
        Assert.Contains("801", current, StringComparison.Ordinal);
        Assert.Contains("已被更正", old, StringComparison.Ordinal);
        Assert.Contains($"run-{WebFixture.RestatedCounty}-1", old, StringComparison.Ordinal);
        // The current observations table (and so the number) uses revision 2 only.
        Assert.Equal(1, await page.Locator("#tbl-lineage tbody tr").CountAsync());
        Assert.Contains($"run-{WebFixture.RestatedCounty}-2", await page.InnerTextAsync("#tbl-lineage"), StringComparison.Ordinal);
        await WebFixture.ScreenshotAsync(page, "lineage-revisions");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Audit_page_reads_the_trail_through_the_api_and_shows_an_export_this_test_made()
    {
        // An inspector exports a table as CSV: the web records it as an Export.
        var (inspector, _) = await fx.NewPageAsync();
        await fx.SignInAsync(inspector, Role.Inspector);
        var csv = await inspector.APIRequest.GetAsync(Url("/Runs/View?id=run-331002-1&handler=Csv&table=rejections"));
        Assert.Equal(200, csv.Status);
        await inspector.Context.CloseAsync();

        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.AuditAdmin);
        await page.GotoAsync(Url($"/Audit?UserName={fx.Users[Role.Inspector]}&Action=Export"));
        var table = await page.InnerTextAsync("#tbl-audit");
        Assert.Contains("/Runs/View#rejections", table, StringComparison.Ordinal);
        Assert.Contains("导出数据", table, StringComparison.Ordinal);
        Assert.Contains("CSV 1 rows", table, StringComparison.Ordinal);
        Assert.Contains("共", await page.InnerTextAsync("[data-testid=audit-total]"), StringComparison.Ordinal);
        // The text filter ignores case: '/runs/VIEW' finds '/Runs/View#rejections', and an absent word finds nothing.
        await page.GotoAsync(Url($"/Audit?UserName={fx.Users[Role.Inspector]}&Action=Export&q_audit={Uri.EscapeDataString("/runs/VIEW")}"));
        Assert.Contains("/Runs/View#rejections", await page.InnerTextAsync("#tbl-audit"), StringComparison.Ordinal);
        await page.GotoAsync(Url($"/Audit?UserName={fx.Users[Role.Inspector]}&Action=Export&q_audit=nowhere-in-the-trail"));
        Assert.DoesNotContain("/Runs/View#rejections", await page.InnerTextAsync("#tbl-audit"), StringComparison.Ordinal);

        // Sorting by user (a link) keeps the filter; the whole trail pages 100 at a time.
        await page.GotoAsync(Url("/Audit?s_audit=user&d_audit=asc"));
        Assert.Equal("ascending", await page.GetAttributeAsync("#tbl-audit th:nth-child(2)", "aria-sort"));
        Assert.True(await page.Locator("#tbl-audit tbody tr").CountAsync() is > 0 and <= 100);
        await WebFixture.ScreenshotAsync(page, "audit");

        // The audit page's own CSV holds the filtered trail, and that export is audited too.
        var export = await page.APIRequest.GetAsync(Url($"/Audit?UserName={fx.Users[Role.Inspector]}&Action=Export&handler=Csv&table=audit"));
        Assert.Equal(200, export.Status);
        Assert.Contains("/Runs/View#rejections", await export.TextAsync(), StringComparison.Ordinal);
        await page.GotoAsync(Url($"/Audit?UserName={fx.Users[Role.AuditAdmin]}&Action=Export"));
        Assert.Contains("/Audit#audit", await page.InnerTextAsync("#tbl-audit"), StringComparison.Ordinal);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_audit_set_is_refused_to_everyone_but_the_audit_administrator()
    {
        var (page, _) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.Leader);
        Assert.Equal(403, (await page.GotoAsync(Url("/Audit")))!.Status);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Data_page_shows_each_sources_next_run_and_the_region_page_shows_case_history()
    {
        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.SystemAdmin);
        await page.GotoAsync(Url("/Data"));
        Assert.Contains("下次运行", await page.InnerTextAsync("#tbl-sources thead"), StringComparison.Ordinal);
        var row = await page.Locator("#tbl-sources tbody tr", new() { HasTextString = "331004-edu" }).InnerTextAsync();
        Assert.Matches(@"20\d\d-\d\d-\d\d \d\d:\d\d", row);
        await page.Context.CloseAsync();

        var cases = fx.Web.Services.GetRequiredService<CaseStore>();
        var actor = new Actor(fx.Users[Role.Inspector], "127.0.0.1");
        var created = await cases.CreateAsync(new NewCase("331004", "TZ-ABSORB-2023", "路桥区教育局", "公办园占比未达进度", new DateOnly(2023, 9, 30)), actor, CancellationToken.None);
        await cases.MoveAsync(created.Id, CaseStatus.Rectifying, "已约谈", actor, CancellationToken.None);

        (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.Leader);
        await page.GotoAsync(Url($"/Regions/View?code=331004&asOf={WebFixture.AsOf}"));
        var history = page.Locator("details.case-history").First;
        await history.Locator("summary").ClickAsync();
        var text = await history.InnerTextAsync();
        Assert.Contains("2 条记录", text, StringComparison.Ordinal);
        Assert.Contains("待整改 → 整改中（已约谈）", text, StringComparison.Ordinal);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_inspector_overrides_a_rating_and_opens_a_case_through_the_region_page_forms()
    {
        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.Inspector);
        var url = $"/Regions/View?code=331023&asOf={WebFixture.AsOf}";
        await page.GotoAsync(Url(url));
        var target = await page.Locator("#OverrideTarget option").First.GetAttributeAsync("value");

        // The forms post back to this region and date (their action carries code and asOf).
        await page.SelectOptionAsync("#OverrideStatus", "AmberGreen");
        await page.FillAsync("#OverrideReason", "现场核查：新校区已于十月启用");
        await page.ClickAsync("form:has(#OverrideReason) button[type=submit]");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("code=331023.*msg=override"));
        Assert.Contains("已保存人工评定", await page.InnerTextAsync("body"), StringComparison.Ordinal);
        // The record comes back from the api (GET /api/overrides) into the page's list, with its author.
        var record = await page.InnerTextAsync("#overrides + .table-scroll");
        Assert.Contains("现场核查：新校区已于十月启用", record, StringComparison.Ordinal);
        Assert.Contains(fx.Users[Role.Inspector], record, StringComparison.Ordinal);

        await page.SelectOptionAsync("#CaseTarget", target!);
        await page.FillAsync("#CaseOwner", "天台县教育局");
        await page.FillAsync("#CaseTitle", "公办学位缺口未按期补齐");
        await page.FillAsync("#CaseDue", "2024-03-31");
        await page.ClickAsync("form:has(#CaseTitle) button[type=submit]");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("code=331023.*msg=case"));
        var cases = await fx.Web.Services.GetRequiredService<CaseStore>().ListAsync(new HashSet<string> { "331023" }, null, CancellationToken.None);
        var opened = Assert.Single(cases, c => c.Title == "公办学位缺口未按期补齐");
        Assert.Equal((target, "天台县教育局", new DateOnly(2024, 3, 31), CaseStatus.Open), (opened.TargetId, opened.OwnerUnit, opened.DueDate, opened.Status));
        Assert.Contains("公办学位缺口未按期补齐", await page.InnerTextAsync("#cases + .table-scroll"), StringComparison.Ordinal);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_inspector_moves_a_case_with_a_note_and_the_note_is_in_its_history()
    {
        var cases = fx.Web.Services.GetRequiredService<CaseStore>();
        var actor = new Actor(fx.Users[Role.Inspector], "127.0.0.1");
        var created = await cases.CreateAsync(new NewCase("331022", "TZ-ABSORB-2023", "三门县教育局", "随迁子女就读比例滞后", new DateOnly(2023, 12, 31)), actor, CancellationToken.None);

        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.Inspector);
        await page.GotoAsync(Url($"/Regions/View?code=331022&asOf={WebFixture.AsOf}"));
        var form = page.Locator($"form.case-move:has(input[name=CaseId][value='{created.Id}'])");
        // The note has a visible label, and the form is reachable by keyboard like every control.
        Assert.Equal("处理说明", await page.InnerTextAsync($"label[for='note-{created.Id}']"));
        await form.Locator("input[name=CaseNote]").FillAsync("已下发整改通知");
        await form.Locator("button", new() { HasTextString = "整改中" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("msg=moved"));

        Assert.Equal(CaseStatus.Rectifying, (await cases.GetAsync(created.Id, CancellationToken.None))!.Status);
        var history = await cases.GetHistoryAsync(created.Id, CancellationToken.None);
        Assert.Equal("已下发整改通知", history[^1].Note);
        var details = page.Locator($"tr:has(input[name=CaseId][value='{created.Id}']) details.case-history");
        await details.Locator("summary").ClickAsync();
        Assert.Contains("待整改 → 整改中（已下发整改通知）", await details.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Health_answers_ok_anonymously_without_data()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(Url("/health")));
        Assert.Equal(200, (int)response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("ok", doc.RootElement.GetProperty("store").GetString());
        Assert.Equal("ok", doc.RootElement.GetProperty("api").GetString());
    }
}
