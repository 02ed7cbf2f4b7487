using System.Net;
using System.Text.Json;
using Dashboard.Security.Roles;
using static Dashboard.Api.Tests.Reports.ReportsApiFixture;

namespace Dashboard.Api.Tests.Reports;

/// <summary>The reports api over a real ClickHouse: generate, list, read, download (audited), compare, notify.</summary>
public sealed class ReportsApiTests(ReportsApiFixture fx) : IClassFixture<ReportsApiFixture>
{
    private static async Task<JsonElement> GenerateAsync(HttpClient client, string asOf, string city = City)
    {
        using var response = await client.PostAsync(new Uri("/api/reports", UriKind.Relative), Json(new { city, asOf }));
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {raw}");
        Assert.StartsWith("/api/reports/" + city + "-", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return JsonDocument.Parse(raw).RootElement.Clone();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, raw.Length == 0 ? default : JsonDocument.Parse(raw).RootElement.Clone());
    }

    [Fact]
    public async Task A_generated_report_is_listed_newest_first_and_its_summary_reads_back_from_the_snapshot()
    {
        using var office = await fx.Factory.ClientAsAsync(Role.ReportOffice, City);
        // No other test reports as of a date after 2022: the first is the second's previous report.
        var first = await GenerateAsync(office, "2023-11-30");
        var second = await GenerateAsync(office, "2023-12-31");
        var firstId = first.GetProperty("id").GetString()!;
        var secondId = second.GetProperty("id").GetString()!;
        Assert.Matches(@"^331000-\d{4}-\d{3}$", firstId);
        Assert.Equal("台州市", second.GetProperty("cityName").GetString());
        Assert.Equal("2023-12-31", second.GetProperty("asOf").GetString());
        Assert.Equal(firstId, second.GetProperty("previousReportId").GetString());
        Assert.Equal("关于台州市教育督导目标推进情况的通报", second.GetProperty("title").GetString());
        Assert.Equal(64, second.GetProperty("contentHash").GetString()!.Length);
        Assert.Equal(["docx", "xlsx", "html"], second.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("format").GetString()!));
        var summary = second.GetProperty("summary");
        Assert.Contains("台州市纳入督导的", summary.GetProperty("overview").GetString(), StringComparison.Ordinal);
        Assert.True(summary.GetProperty("rows").GetInt32() > 0);

        // The leader of the city reads it too: list newest first, detail equal to what generation answered.
        using var leader = await fx.Factory.ClientAsAsync(Role.Leader, City);
        var (status, list) = await GetAsync(leader, "/api/reports?city=" + City);
        Assert.Equal(HttpStatusCode.OK, status);
        var ids = list.EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.True(ids.IndexOf(secondId) < ids.IndexOf(firstId), string.Join(",", ids));
        var asOfs = list.EnumerateArray().Select(r => r.GetProperty("asOf").GetString()!).ToList();
        Assert.Equal(asOfs.OrderDescending(StringComparer.Ordinal), asOfs);
        var (detailStatus, detail) = await GetAsync(leader, "/api/reports/" + secondId);
        Assert.Equal(HttpStatusCode.OK, detailStatus);
        Assert.Equal(second.GetProperty("contentHash").GetString(), detail.GetProperty("contentHash").GetString());
        Assert.Equal(summary.ToString(), detail.GetProperty("summary").ToString());
        Assert.Equal(second.GetProperty("files").ToString(), detail.GetProperty("files").ToString());
    }

    [Theory]
    [InlineData("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData("HTML", "text/html")]
    public async Task A_download_has_its_content_type_a_chinese_file_name_and_is_audited(string format, string contentType)
    {
        using var office = await fx.Factory.ClientAsAsync(Role.ReportOffice, City);
        var report = await GenerateAsync(office, "2022-10-31");
        var id = report.GetProperty("id").GetString()!;
        var since = DateTime.UtcNow.AddSeconds(-2);
        using var inspector = await fx.Factory.ClientAsAsync(Role.Inspector, City);
        using var response = await inspector.GetAsync(new Uri($"/api/reports/{id}/files/{format}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith(contentType, response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        var lower = format.ToLowerInvariant();
        var expectedName = report.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("format").GetString() == lower).GetProperty("fileName").GetString()!;
        Assert.StartsWith("督导通报", expectedName, StringComparison.Ordinal);
        Assert.Equal(expectedName, disposition.FileNameStar);
        Assert.Equal($"{id}.{lower}", disposition.FileName!.Trim('"'));
        var raw = response.Headers.TryGetValues("Content-Disposition", out var h) ? string.Join(";", h) : response.Content.Headers.GetValues("Content-Disposition").Single();
        Assert.Contains("filename*=UTF-8''%E7%9D%A3%E5%AF%BC%E9%80%9A%E6%8A%A5", raw, StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (lower == "html") Assert.Contains("督导通报", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        else Assert.Equal((byte)'P', bytes[0]); // a zip package

        var audit = await fx.AuditAsync("ReportDownload", id, since);
        var record = Assert.Single(audit);
        Assert.StartsWith("inspector-", record.User, StringComparison.Ordinal);
        Assert.Equal("Success", record.Result);
        Assert.Contains("format " + (lower == "html" ? "Html" : lower == "docx" ? "Docx" : "Xlsx"), record.Detail, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_lists_what_changed_in_ratings_and_values_earlier_first()
    {
        using var office = await fx.Factory.ClientAsAsync(Role.ReportOffice, City);
        // 2021-09 only this test writes: the later report sees a new, lower term in 仙居县 and 温岭市.
        var before = await GenerateAsync(office, "2021-08-31");
        await fx.WriteAsync(("331024", "2021-09-01", 100m), ("331081", "2021-09-01", 100m));
        var after = await GenerateAsync(office, "2021-12-31");
        var (status, comparison) = await GetAsync(office,
            $"/api/reports/compare?a={after.GetProperty("id").GetString()}&b={before.GetProperty("id").GetString()}");
        Assert.True(status == HttpStatusCode.OK, comparison.ToString());
        Assert.Equal(before.GetProperty("id").GetString(), comparison.GetProperty("earlier").GetProperty("id").GetString());
        Assert.Equal("2021-12-31", comparison.GetProperty("later").GetProperty("asOf").GetString());
        var changes = comparison.GetProperty("changes").EnumerateArray().ToList();
        var xianju = changes.Where(c => c.GetProperty("regionCode").GetString() == "331024").ToList();
        Assert.NotEmpty(xianju);
        Assert.All(xianju, c => Assert.Equal(0.5m, c.GetProperty("actualAfter").GetDecimal()));
        Assert.All(xianju, c => Assert.Equal("RatingChanged", c.GetProperty("kind").GetString()));
        Assert.Equal(changes.Count(c => c.GetProperty("kind").GetString() == "RatingChanged"), comparison.GetProperty("ratingChanged").GetInt32());
    }

    [Theory]
    [InlineData("{\"asOf\":\"2022-06-30\"}", "city")]
    [InlineData("{\"city\":\"331000\"}", "asOf")]
    [InlineData("{\"city\":\"331000\",\"asOf\":\"2022/06/30\"}", "asOf")]
    [InlineData("{\"city\":\"331000\",\"asOf\":\"2999-01-01\"}", "asOf")]
    [InlineData("{\"city\":331000,\"asOf\":\"2022-06-30\"}", "city")]
    public async Task A_bad_generate_request_is_a_400_naming_the_field(string body, string field)
    {
        using var office = await fx.Factory.ClientAsAsync(Role.ReportOffice, City);
        using var response = await office.PostAsync(new Uri("/api/reports", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(JsonDocument.Parse(raw).RootElement.GetProperty("errors").TryGetProperty(field, out _), raw);
    }

    [Fact]
    public async Task Unknown_ids_formats_and_cities_are_named()
    {
        using var admin = await fx.Factory.ClientAsAsync(Role.SystemAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(admin, "/api/reports/331000-1999-001")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(admin, "/api/reports/331000-1999-001/files/docx")).Status);
        var (status, body) = await GetAsync(admin, "/api/reports/331000-1999-001/files/pdf");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("format", out _));
        var (listStatus, listBody) = await GetAsync(admin, "/api/reports");
        Assert.Equal(HttpStatusCode.BadRequest, listStatus);
        Assert.True(listBody.GetProperty("errors").TryGetProperty("city", out _));
        using var response = await admin.PostAsync(new Uri("/api/reports", UriKind.Relative), Json(new { city = "000000", asOf = "2022-06-30" }));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var (cmpStatus, cmpBody) = await GetAsync(admin, "/api/reports/compare?a=331000-1999-001");
        Assert.Equal(HttpStatusCode.BadRequest, cmpStatus);
        Assert.True(cmpBody.GetProperty("errors").TryGetProperty("b", out _));
    }

    /// <summary>Every read of an existing report by role and jurisdiction (the matrix in AccessMatrixTests covers list and generate).</summary>
    [Fact]
    public async Task Reads_of_a_report_follow_role_and_jurisdiction()
    {
        using var office = await fx.Factory.ClientAsAsync(Role.ReportOffice, City);
        var a = (await GenerateAsync(office, "2022-04-30")).GetProperty("id").GetString()!;
        var b = (await GenerateAsync(office, "2022-05-31")).GetProperty("id").GetString()!;
        string[] urls = [$"/api/reports/{a}", $"/api/reports/{a}/files/html", $"/api/reports/compare?a={a}&b={b}", $"/api/reports?city={City}"];
        var cases = new (Role Role, string[] Regions, HttpStatusCode Expected)[]
        {
            (Role.Leader, [City], HttpStatusCode.OK),
            (Role.Inspector, ["330000"], HttpStatusCode.OK),
            (Role.ReportOffice, [City], HttpStatusCode.OK),
            (Role.SystemAdmin, [], HttpStatusCode.OK),
            (Role.Leader, ["320000"], HttpStatusCode.Forbidden),      // another province
            (Role.Inspector, ["331024"], HttpStatusCode.Forbidden),   // a district of the city: the city is not inside
            (Role.DistrictOfficer, [City], HttpStatusCode.Forbidden),
            (Role.SecurityAdmin, [], HttpStatusCode.Forbidden),
            (Role.AuditAdmin, [], HttpStatusCode.Forbidden),
        };
        foreach (var (role, regions, expected) in cases)
        {
            using var client = await fx.Factory.ClientAsAsync(role, regions);
            foreach (var url in urls)
            {
                using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
                Assert.True(response.StatusCode == expected, $"{role} over {string.Join(",", regions)} GET {url}: {(int)response.StatusCode}, expected {(int)expected}");
            }
        }
        // Generation: the report office and administrators only, within the jurisdiction; refusals audited.
        var since = DateTime.UtcNow.AddSeconds(-2);
        using var leader = await fx.Factory.ClientAsAsync(Role.Leader, City);
        using var r1 = await leader.PostAsync(new Uri("/api/reports", UriKind.Relative), Json(new { city = City, asOf = "2022-06-30" }));
        Assert.Equal(HttpStatusCode.Forbidden, r1.StatusCode);
        using var jiangsu = await fx.Factory.ClientAsAsync(Role.ReportOffice, "320000");
        using var r2 = await jiangsu.PostAsync(new Uri("/api/reports", UriKind.Relative), Json(new { city = City, asOf = "2022-06-30" }));
        Assert.Equal(HttpStatusCode.Forbidden, r2.StatusCode);
        Assert.Contains("jurisdiction", await r2.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, (await fx.AuditAsync("AccessDenied", "POST /api/reports", since)).Count);
    }

    [Fact]
    public async Task The_report_office_of_the_city_is_notified_and_marks_the_notice_read()
    {
        using var office = await fx.Factory.ClientAsAsync(Role.ReportOffice, City);
        var id = (await GenerateAsync(office, "2022-03-31")).GetProperty("id").GetString()!;
        var (status, list) = await GetAsync(office, "/api/notifications");
        Assert.Equal(HttpStatusCode.OK, status);
        var notice = list.EnumerateArray().Single(n => n.GetProperty("reportId").GetString() == id);
        Assert.StartsWith("新督导通报已生成：台州市〔", notice.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal("/api/reports/" + id, notice.GetProperty("url").GetString());
        Assert.Equal(JsonValueKind.Null, notice.GetProperty("readAt").ValueKind);
        var noticeId = notice.GetProperty("id").GetString()!;

        // Others do not see it: a report office elsewhere, a leader of the same city (not addressed).
        using var jiangsu = await fx.Factory.ClientAsAsync(Role.ReportOffice, "320000");
        Assert.DoesNotContain((await GetAsync(jiangsu, "/api/notifications")).Body.EnumerateArray(), n => n.GetProperty("id").GetString() == noticeId);
        using var leader = await fx.Factory.ClientAsAsync(Role.Leader, City);
        Assert.DoesNotContain((await GetAsync(leader, "/api/notifications")).Body.EnumerateArray(), n => n.GetProperty("id").GetString() == noticeId);
        using var stolen = await leader.PostAsync(new Uri($"/api/notifications/{noticeId}/read", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);

        using var read = await office.PostAsync(new Uri($"/api/notifications/{noticeId}/read", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var readAt = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("readAt").GetDateTime();
        using var again = await office.PostAsync(new Uri($"/api/notifications/{noticeId}/read", UriKind.Relative), null);
        Assert.Equal(readAt, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("readAt").GetDateTime());

        // A newer bulletin's notice is unread and comes before the read one.
        var newer = (await GenerateAsync(office, "2022-02-28")).GetProperty("id").GetString()!;
        var after = (await GetAsync(office, "/api/notifications")).Body.EnumerateArray().ToList();
        var readIndex = after.FindIndex(n => n.GetProperty("id").GetString() == noticeId);
        var newIndex = after.FindIndex(n => n.GetProperty("reportId").GetString() == newer);
        Assert.True(newIndex >= 0 && newIndex < readIndex, $"unread {newIndex}, read {readIndex}");
        Assert.All(after.Take(readIndex), n => Assert.Equal(JsonValueKind.Null, n.GetProperty("readAt").ValueKind));
        using var unknown = await office.PostAsync(new Uri("/api/notifications/not-an-id/read", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
