using System.Text.RegularExpressions;
using Dashboard.Security.Roles;
using Dashboard.Web.Security;
using Microsoft.Playwright;

namespace Dashboard.Web.Tests;

/// <summary>The bulletin archive: generate, list, download (through the api, audited), compare, notices.</summary>
[Collection(WebGroup.Name)]
public sealed partial class ReportsTests(WebFixture fx)
{
    private const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private string Url(string path) => fx.Web.Address + path;

    [GeneratedRegex(@"已生成督导通报 (\S+)，")]
    private static partial Regex GeneratedId();

    private static async Task<string> GenerateAsync(IPage page, string asOf)
    {
        await page.FillAsync("#GenerateAsOf", asOf);
        await page.ClickAsync("#gen-h ~ .field button[type=submit]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var message = await page.InnerTextAsync("[data-testid=report-message]");
        return GeneratedId().Match(message).Groups[1].Value;
    }

    [Fact]
    public async Task Report_office_generates_two_bulletins_downloads_one_and_compares_them()
    {
        var (page, errors) = await fx.NewPageAsync();
        page.SetDefaultTimeout(120_000);
        await fx.SignInAsync(page, Role.ReportOffice);
        await page.GotoAsync(Url($"/Reports?city={WebFixture.City}"));

        var earlier = await GenerateAsync(page, "2022-12-31");
        var later = await GenerateAsync(page, WebFixture.AsOf);
        Assert.NotEqual("", earlier);
        Assert.NotEqual(earlier, later);
        var archive = await page.InnerTextAsync("#tbl-reports");
        Assert.Contains(earlier, archive, StringComparison.Ordinal);
        Assert.Contains(later, archive, StringComparison.Ordinal);
        Assert.Contains("截至2023年6月30日", archive, StringComparison.Ordinal);

        // The DOCX comes through the web from the api: a zip (PK), its content type and the Chinese file name.
        var href = await page.Locator("#tbl-reports tbody tr", new() { HasTextString = later }).Locator("a", new() { HasTextString = "DOCX" }).GetAttributeAsync("href");
        var docx = await page.APIRequest.GetAsync(Url(href!));
        Assert.Equal(200, docx.Status);
        Assert.StartsWith(Docx, docx.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("filename*=UTF-8''", docx.Headers["content-disposition"], StringComparison.Ordinal);
        var body = await docx.BodyAsync();
        Assert.True(body.Length > 1000 && body[0] == (byte)'P' && body[1] == (byte)'K', "not a zip");

        // The print view opens in the browser under its own policy: its style applies, nothing runs.
        var html = await page.APIRequest.GetAsync(Url($"/Reports?handler=File&id={Uri.EscapeDataString(later)}&format=html"));
        Assert.Equal(200, html.Status);
        Assert.StartsWith("text/html", html.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(SecurityHeaders.ReportViewPolicy, html.Headers["content-security-policy"]);
        Assert.Contains("台州市", await html.TextAsync(), StringComparison.Ordinal);

        // Compare: the later against the earlier, a table of what changed.
        await page.GotoAsync(Url($"/Reports?city={WebFixture.City}"));
        await page.SelectOptionAsync("#A", earlier);
        await page.SelectOptionAsync("#B", later);
        await page.ClickAsync("#cmp-h ~ form button[type=submit]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Contains("评级变化", await page.InnerTextAsync("[data-testid=compare-summary]"), StringComparison.Ordinal);
        Assert.True(await page.Locator("#tbl-compare tbody tr:not(:has(td.empty))").CountAsync() > 0, "no differences listed");
        Assert.Contains("台州市", await page.InnerTextAsync("#tbl-compare"), StringComparison.Ordinal);

        // The report office is told in the app: a badge in the navigation and the notices on this page.
        var badge = await page.InnerTextAsync("[data-testid=notice-badge]");
        Assert.DoesNotContain("@", await page.InnerTextAsync("header nav"), StringComparison.Ordinal);
        Assert.True(int.Parse(new string(badge.Where(char.IsAsciiDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture) >= 2, badge);
        Assert.Contains("新督导通报已生成", await page.InnerTextAsync("[data-testid=notices]"), StringComparison.Ordinal);
        // Kept under artifacts/screenshots; docs/images/reports.png is a committed copy, not rewritten by every run.
        await WebFixture.ScreenshotAsync(page, "reports");

        var before = await page.Locator("ul.notices li.unread").CountAsync();
        await page.Locator("ul.notices li.unread button", new() { HasTextString = "标为已读" }).First.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal(before - 1, await page.Locator("ul.notices li.unread").CountAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();

        // The download went through the api as the report office's user, so the api audited it.
        var (audit, _) = await fx.NewPageAsync();
        await fx.SignInAsync(audit, Role.AuditAdmin);
        await audit.GotoAsync(Url($"/Audit?Action=ReportDownload&UserName={fx.Users[Role.ReportOffice]}"));
        var trail = await audit.InnerTextAsync("#tbl-audit");
        Assert.Contains(later, trail, StringComparison.Ordinal);
        Assert.Contains("format Docx", trail, StringComparison.Ordinal);
        await audit.Context.CloseAsync();
    }

    [Fact]
    public async Task A_leader_reads_the_archive_without_the_generate_form_and_a_district_officer_is_refused()
    {
        var (page, errors) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.Leader);
        var response = await page.GotoAsync(Url($"/Reports?city={WebFixture.City}"));
        Assert.Equal(200, response!.Status);
        Assert.Equal(0, await page.Locator("#GenerateAsOf").CountAsync());
        Assert.Equal(1, await page.Locator("#tbl-reports").CountAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();

        (page, _) = await fx.NewPageAsync();
        await fx.SignInAsync(page, Role.DistrictOfficer);
        Assert.Equal(403, (await page.GotoAsync(Url("/Reports")))!.Status);
        await page.Context.CloseAsync();
    }
}
