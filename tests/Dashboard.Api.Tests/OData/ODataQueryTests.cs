using System.Text.Json;
using System.Xml.Linq;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Api.Tests.OData;

/// <summary>
/// The OData service end to end over a real ClickHouse: every answer is compared with a computation the test
/// makes itself over the rows it wrote (<see cref="ODataFixture.Current"/>), and the SQL ClickHouse received is
/// checked to do the filtering, sorting, paging and aggregation.
/// </summary>
public sealed class ODataQueryTests(ODataFixture fx) : IClassFixture<ODataFixture>
{
    private static readonly string[] Sets = ["Regions", "Indicators", "Targets", "Observations", "Scorecard", "PullRuns", "Rejections", "ObservationRevisions", "RegionPeriodSums", "AuditEvents"];

    private static void AssertNoStackTrace(string raw)
    {
        Assert.DoesNotContain("   at ", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", raw, StringComparison.Ordinal);
    }

    private static (string Region, string Indicator, string Period) Key(JsonElement e) =>
        (e.GetProperty("RegionCode").GetString()!, e.GetProperty("IndicatorCode").GetString()!, e.GetProperty("Period").GetString()!);

    private static (string, string, string) Key(Observation o) => (o.RegionCode, o.IndicatorCode, o.Period.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

    private static int KeyOrder((string, string, string) a, (string, string, string) b) =>
        string.CompareOrdinal(a.Item1, b.Item1) is var x and not 0 ? x : string.CompareOrdinal(a.Item2, b.Item2) is var y and not 0 ? y : string.CompareOrdinal(a.Item3, b.Item3);

    [Fact]
    public async Task The_service_document_lists_every_entity_set_of_the_contract()
    {
        var (status, body, raw) = await fx.GetJsonAsync("/odata");
        Assert.True(status == 200, raw);
        Assert.Equal("http://localhost/odata/$metadata", body.GetProperty("@odata.context").GetString());
        var names = body.GetProperty("value").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
        Assert.Equal(Sets, names);
        Assert.All(body.GetProperty("value").EnumerateArray(), v => Assert.Equal("EntitySet", v.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Metadata_is_CSDL_with_the_contract_keys_and_types()
    {
        using var client = await fx.Factory.ClientAsAsync(Dashboard.Security.Roles.Role.Leader);
        using var response = await client.GetAsync(new Uri("/odata/$metadata", UriKind.Relative));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("4.0", response.Headers.GetValues("OData-Version").Single());
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace edm = "http://docs.oasis-open.org/odata/ns/edm";
        var sets = xml.Descendants(edm + "EntitySet").Select(e => (string?)e.Attribute("Name")).ToList();
        Assert.Equal(Sets, sets);
        var observation = xml.Descendants(edm + "EntityType").Single(e => (string?)e.Attribute("Name") == "Observation");
        var keys = observation.Element(edm + "Key")!.Elements(edm + "PropertyRef").Select(p => (string?)p.Attribute("Name")).ToList();
        Assert.Equal(["RegionCode", "IndicatorCode", "Period"], keys);
        var period = observation.Elements(edm + "Property").Single(p => (string?)p.Attribute("Name") == "Period");
        Assert.Equal("Edm.Date", (string?)period.Attribute("Type"));
    }

    [Fact]
    public async Task A_filter_and_a_sort_run_in_ClickHouse_and_return_what_the_rows_say()
    {
        // A string unique to this run marks its statement in the query log (which outlives test databases);
        // no run id equals it, so the condition selects nothing away.
        var marker = "m" + Guid.NewGuid().ToString("N");
        var (status, body, raw) = await fx.GetJsonAsync(
            "/odata/Observations?$filter=IndicatorCode eq 'NEW_SCHOOL_PLACES' and Value gt 1234.5 and RunId ne '" + marker + "'&$orderby=Value desc&$top=5");
        Assert.True(status == 200, raw);
        var expected = fx.Current.Where(o => o.IndicatorCode == "NEW_SCHOOL_PLACES" && o.Value > 1234.5m)
            .OrderByDescending(o => o.Value).ThenBy(o => o.RegionCode, StringComparer.Ordinal).Take(5).ToList();
        // By hand: values 1000+100i+10j (331004's 2023: 1333) above 1234.5 are i=3..8 → 1300..1810; the five largest:
        Assert.Equal([1810m, 1800m, 1710m, 1700m, 1610m], expected.Select(o => o.Value!.Value));
        var rows = body.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(expected.Select(o => (o.RegionCode, o.Value!.Value)), rows.Select(r => (r.GetProperty("RegionCode").GetString()!, r.GetProperty("Value").GetDecimal())));
        Assert.False(body.TryGetProperty("@odata.nextLink", out _));
        Assert.Equal("http://localhost/odata/$metadata#Observations", body.GetProperty("@odata.context").GetString());

        var sent = await ODataFixture.SentQueriesAsync(marker);
        var sql = Assert.Single(sent);
        Assert.Contains("WHERE", sql, StringComparison.Ordinal);
        Assert.Contains("ORDER BY `value` DESC", sql, StringComparison.Ordinal);
        Assert.Contains("LIMIT 6", sql, StringComparison.Ordinal); // $top 5 plus the look-ahead row
        // Read by the read-only ClickHouse user when the test script provides it (scripts/test.sh always does).
        if (Environment.GetEnvironmentVariable("DASHBOARD_TEST_CLICKHOUSE_READER") is { Length: > 0 })
            Assert.Equal(["dashboard_reader"], await ODataFixture.SentByAsync(marker));
    }

    [Fact]
    public async Task Paging_follows_absolute_next_links_that_keep_the_options_until_every_row_is_read()
    {
        var url = "/odata/Observations?$filter=IndicatorCode eq 'PUBLIC_ABSORPTION'&$count=true";
        var seen = new List<(string, string, string)>();
        var pages = 0;
        long? count = null;
        while (url is not null)
        {
            var (status, body, raw) = await fx.GetJsonAsync(url);
            Assert.True(status == 200, raw);
            pages++;
            if (body.TryGetProperty("@odata.count", out var c)) count = c.GetInt64();
            var rows = body.GetProperty("value").EnumerateArray().ToList();
            Assert.True(rows.Count <= ODataFixture.PageSize);
            seen.AddRange(rows.Select(Key));
            url = body.TryGetProperty("@odata.nextLink", out var next) ? next.GetString() : null;
            if (url is not null)
            {
                Assert.StartsWith("http://localhost/odata/Observations?", url, StringComparison.Ordinal);
                Assert.Contains("$filter=IndicatorCode", Uri.UnescapeDataString(url), StringComparison.Ordinal);
                Assert.Contains("$count=true", url, StringComparison.Ordinal);
            }
            Assert.True(pages < 20, "paging does not end");
        }
        // By hand: 9 counties × 4 terms = 36 rows, in pages of 7 → 6 pages (7×5 + 1).
        Assert.Equal(36, count);
        Assert.Equal(6, pages);
        var expected = fx.Current.Where(o => o.IndicatorCode == "PUBLIC_ABSORPTION").Select(Key).ToList();
        expected.Sort(KeyOrder);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Top_larger_than_a_page_is_served_in_pages_and_stops_at_top()
    {
        var (status, body, raw) = await fx.GetJsonAsync("/odata/Observations?$orderby=Period desc&$top=10&$select=RegionCode,IndicatorCode,Period");
        Assert.True(status == 200, raw);
        Assert.Equal(7, body.GetProperty("value").GetArrayLength());
        Assert.Equal("http://localhost/odata/$metadata#Observations(RegionCode,IndicatorCode,Period)", body.GetProperty("@odata.context").GetString());
        var next = body.GetProperty("@odata.nextLink").GetString()!;
        Assert.Contains("$skip=7", next, StringComparison.Ordinal);
        Assert.Contains("$top=3", next, StringComparison.Ordinal);
        var (status2, body2, raw2) = await fx.GetJsonAsync(next);
        Assert.True(status2 == 200, raw2);
        Assert.Equal(3, body2.GetProperty("value").GetArrayLength());
        Assert.False(body2.TryGetProperty("@odata.nextLink", out _));

        var expected = fx.Current.Select(Key).ToList();
        expected.Sort((a, b) => string.CompareOrdinal(b.Item3, a.Item3) is var x and not 0 ? x : KeyOrder(a, b));
        var got = body.GetProperty("value").EnumerateArray().Concat(body2.GetProperty("value").EnumerateArray()).Select(Key).ToList();
        Assert.Equal(expected.Take(10), got);
        Assert.All(body.GetProperty("value").EnumerateArray(), r => Assert.False(r.TryGetProperty("Value", out _)));
    }

    [Fact]
    public async Task The_count_segment_answers_a_number_as_text()
    {
        using var client = await fx.Factory.ClientAsAsync(Dashboard.Security.Roles.Role.Leader);
        using var response = await client.GetAsync(new Uri("/odata/Observations/$count?$filter=RegionCode eq '331004'", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal(fx.Current.Count(o => o.RegionCode == "331004").ToString(System.Globalization.CultureInfo.InvariantCulture), text);
        Assert.Equal("6", text); // by hand: 4 terms + 2 years
    }

    [Fact]
    public async Task A_key_lookup_returns_the_current_revision_and_404_for_a_missing_key()
    {
        var (status, body, raw) = await fx.GetJsonAsync("/odata/Observations(RegionCode='331004',IndicatorCode='NEW_SCHOOL_PLACES',Period=2023-01-01)");
        Assert.True(status == 200, raw);
        Assert.Equal(1333m, body.GetProperty("Value").GetDecimal());
        Assert.Equal(2, body.GetProperty("Revision").GetInt64());
        Assert.Equal("run-2", body.GetProperty("RunId").GetString());
        Assert.Equal("http://localhost/odata/$metadata#Observations/$entity", body.GetProperty("@odata.context").GetString());

        var (missing, error, missingRaw) = await fx.GetJsonAsync("/odata/Observations(RegionCode='331004',IndicatorCode='NEW_SCHOOL_PLACES',Period=2019-01-01)");
        Assert.True(missing == 404, missingRaw);
        Assert.Equal("NotFound", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Apply_groupby_aggregates_in_ClickHouse_and_matches_a_sum_made_here()
    {
        var alias = "Places" + Guid.NewGuid().ToString("N")[..10]; // unique per run: marks the statements in the query log
        var (status, body, raw) = await fx.GetJsonAsync(
            $"/odata/Observations?$apply=filter(IndicatorCode eq 'NEW_SCHOOL_PLACES')/groupby((RegionCode),aggregate(Value with sum as {alias},$count as N))&$orderby={alias} desc");
        Assert.True(status == 200, raw);
        var expected = fx.Current.Where(o => o.IndicatorCode == "NEW_SCHOOL_PLACES")
            .GroupBy(o => o.RegionCode)
            .Select(g => (Region: g.Key, Total: g.Sum(o => o.Value!.Value), N: g.Count()))
            .OrderByDescending(x => x.Total).ThenBy(x => x.Region, StringComparer.Ordinal).ToList();
        // By hand for 331004 (i = 2): 1200 + 1333 (restated) = 2533 over 2 years.
        Assert.Contains(("331004", 2533m, 2), expected);
        var rows = body.GetProperty("value").EnumerateArray().ToList();
        // 9 groups over pages of 7.
        Assert.Equal(7, rows.Count);
        Assert.Equal(expected.Take(7), rows.Select(r => (r.GetProperty("RegionCode").GetString()!, r.GetProperty(alias).GetDecimal(), r.GetProperty("N").GetInt32())));
        var next = body.GetProperty("@odata.nextLink").GetString()!;
        var (_, body2, raw2) = await fx.GetJsonAsync(next);
        Assert.Equal(expected.Skip(7), body2.GetProperty("value").EnumerateArray().Select(r => (r.GetProperty("RegionCode").GetString()!, r.GetProperty(alias).GetDecimal(), r.GetProperty("N").GetInt32())));
        Assert.False(body2.TryGetProperty("@odata.nextLink", out _), raw2);

        var sent = await ODataFixture.SentQueriesAsync(alias);
        Assert.Equal(2, sent.Count);
        Assert.All(sent, sql =>
        {
            Assert.Contains("GROUP BY", sql, StringComparison.Ordinal);
            Assert.Contains("sum(", sql, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Apply_aggregate_without_groupby_gives_one_row_of_averages_extremes_and_distinct_counts()
    {
        var (status, body, raw) = await fx.GetJsonAsync(
            "/odata/Observations?$apply=filter(IndicatorCode eq 'PUBLIC_ABSORPTION' and Period ge 2023-01-01)/aggregate(Numerator with average as AvgNum,Numerator with max as MaxNum,Denominator with min as MinDen,RegionCode with countdistinct as Regions)");
        Assert.True(status == 200, raw);
        var row = Assert.Single(body.GetProperty("value").EnumerateArray());
        var rows = fx.Current.Where(o => o.IndicatorCode == "PUBLIC_ABSORPTION" && o.Period >= new DateOnly(2023, 1, 1)).ToList();
        // By hand: terms j = 2, 3: numerators 100 + 7i + 3j over i = 0..8 → mean 100 + 28 + 7.5 = 135.5; max 100 + 56 + 9 = 165; min denominator 200.
        Assert.Equal(135.5m, rows.Average(o => o.Numerator!.Value));
        Assert.Equal(135.5m, row.GetProperty("AvgNum").GetDecimal());
        Assert.Equal(165m, row.GetProperty("MaxNum").GetDecimal());
        Assert.Equal(200m, row.GetProperty("MinDen").GetDecimal());
        Assert.Equal(9, row.GetProperty("Regions").GetInt32());
    }

    [Fact]
    public async Task The_revision_history_keeps_every_load_of_a_restated_number()
    {
        var (status, body, raw) = await fx.GetJsonAsync(
            "/odata/ObservationRevisions?$filter=RegionCode eq '331004' and IndicatorCode eq 'NEW_SCHOOL_PLACES' and Period eq 2023-01-01&$orderby=Revision");
        Assert.True(status == 200, raw);
        // By hand: 331004 is i = 2, its 2023 places j = 1: revision 1 is 1000 + 200 + 10 = 1210 (run-1); the restatement 1333 (run-2).
        Assert.Equal([(1L, 1210m, "run-1"), (2L, 1333m, "run-2")], body.GetProperty("value").EnumerateArray()
            .Select(r => (r.GetProperty("Revision").GetInt64(), r.GetProperty("Value").GetDecimal(), r.GetProperty("RunId").GetString()!)));
    }

    [Fact]
    public async Task Region_period_sums_give_a_regions_roll_up_from_the_pre_summed_groups()
    {
        // Taizhou's 2023 places summed over its nine counties from RegionPeriodSums, as the web's trend charts ask.
        var (status, body, raw) = await fx.GetJsonAsync(
            "/odata/RegionPeriodSums?$apply=filter(IndicatorCode eq 'NEW_SCHOOL_PLACES' and Period eq 2023-01-01)/aggregate(SumValue with sum as Total)");
        Assert.True(status == 200, raw);
        var expected = fx.Current.Where(o => o.IndicatorCode == "NEW_SCHOOL_PLACES" && o.Period == new DateOnly(2023, 1, 1)).Sum(o => o.Value!.Value);
        // By hand: 1000 + 100i + 10 over i = 0..8, with 331004's 1210 restated to 1333: 9,090 + 3,600 + 123 = 12,813.
        Assert.Equal(12813m, expected);
        Assert.Equal(expected, Assert.Single(body.GetProperty("value").EnumerateArray()).GetProperty("Total").GetDecimal());
    }

    [Fact]
    public async Task Names_are_case_insensitive()
    {
        var (status, body, raw) = await fx.GetJsonAsync("/odata/observations?$filter=regioncode eq '331002' and indicatorcode eq 'NEW_SCHOOL_PLACES'&$orderby=period");
        Assert.True(status == 200, raw);
        Assert.Equal([1000m, 1010m], body.GetProperty("value").EnumerateArray().Select(r => r.GetProperty("Value").GetDecimal()));
    }

    [Fact]
    public async Task IEEE754Compatible_clients_get_decimals_and_longs_as_strings()
    {
        var (status, body, raw) = await fx.GetJsonAsync("/odata/Observations(RegionCode='331004',IndicatorCode='NEW_SCHOOL_PLACES',Period=2023-01-01)",
            "application/json;odata.metadata=minimal;IEEE754Compatible=true");
        Assert.True(status == 200, raw);
        Assert.Equal("1333", body.GetProperty("Value").GetString());
        Assert.Equal("2", body.GetProperty("Revision").GetString());
    }

    [Theory]
    [InlineData("/odata/Observations?$filter=Nope eq 1", 400, "InvalidQuery", "Nope")]
    [InlineData("/odata/Observations?$filter=RegionCode eq", 400, "InvalidQuery", "$filter")]
    [InlineData("/odata/Observations?$top=101", 400, "LimitExceeded", "101")]
    [InlineData("/odata/Observations?$expand=Region", 400, "NotSupported", "$expand")]
    [InlineData("/odata/Schools", 404, "NotFound", "Schools")]
    [InlineData("/odata/Scorecard?asOf=2023-13-01", 400, "InvalidQuery", "asOf")]
    [InlineData("/odata/Scorecard?asOf=2023-06-30&snapshot=ffffffffffffffffffffffffffffffff", 400, "InvalidQuery", "snapshot")]
    public async Task Bad_queries_get_an_OData_error_naming_the_fault_and_never_a_500(string url, int expectedStatus, string code, string mentioned)
    {
        var (status, body, raw) = await fx.GetJsonAsync(url);
        Assert.True(status == expectedStatus, raw);
        var error = body.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains(mentioned, error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        AssertNoStackTrace(raw);
    }

    [Theory]
    [InlineData("RegionCode eq '331002'' or 1=1 --'")]
    [InlineData("RegionCode eq '331002'') OR (1=1'")]
    [InlineData("RegionCode eq '/* x */ 331002'")]
    [InlineData("contains(RegionCode, '''; DROP TABLE observations; --')")]
    public async Task Injection_attempts_are_data_and_match_nothing(string filter)
    {
        var (status, body, raw) = await fx.GetJsonAsync("/odata/Observations?$filter=" + Uri.EscapeDataString(filter));
        Assert.True(status is 200 or 400, raw);
        if (status == 200) Assert.Equal(0, body.GetProperty("value").GetArrayLength());
        AssertNoStackTrace(raw);
        // The table is still there and whole.
        var (countStatus, _, countRaw) = await fx.GetJsonAsync("/odata/Observations/$count");
        Assert.Equal(200, countStatus);
        Assert.Equal(fx.Current.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), countRaw);
    }

    [Fact]
    public async Task Scorecard_serves_the_engines_rows_for_the_as_of_date_from_one_snapshot_per_listing()
    {
        var asOf = new DateOnly(2023, 12, 31);
        var (status, body, raw) = await fx.GetJsonAsync("/odata/Scorecard?asOf=2023-12-31&$filter=startswith(RegionCode,'3310')&$count=true&$orderby=RegionCode,TargetId");
        Assert.True(status == 200, raw);

        var database = new ClickHouseDatabase(fx.ConnectionString);
        var engine = new ScorecardEngine(database, new CatalogueStore(database), Options.Create(new ScorecardOptions()));
        var card = await engine.EvaluateAsync("330000", asOf, CancellationToken.None);
        var expected = card.Rows.Where(r => r.RegionCode.StartsWith("3310", StringComparison.Ordinal))
            .OrderBy(r => r.RegionCode, StringComparer.Ordinal).ThenBy(r => r.TargetId, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, body.GetProperty("@odata.count").GetInt64());

        var got = new List<JsonElement>(body.GetProperty("value").EnumerateArray());
        var next = body.TryGetProperty("@odata.nextLink", out var n) ? n.GetString() : null;
        if (next is not null) Assert.Contains("snapshot=", next, StringComparison.Ordinal);
        while (next is not null)
        {
            var (s, b, r) = await fx.GetJsonAsync(next);
            Assert.True(s == 200, r);
            got.AddRange(b.GetProperty("value").EnumerateArray());
            next = b.TryGetProperty("@odata.nextLink", out var nn) ? nn.GetString() : null;
        }
        Assert.Equal(expected.Select(r => (r.RegionCode, r.TargetId, r.Status.ToString())),
            got.Select(g => (g.GetProperty("RegionCode").GetString()!, g.GetProperty("TargetId").GetString()!, g.GetProperty("Status").GetString()!)));
        Assert.All(got, g => Assert.Equal("2023-12-31", g.GetProperty("AsOf").GetString()));
        Assert.Equal(expected.Select(r => r.Actual is { } a ? Math.Round(a, 6) : (decimal?)null),
            got.Select(g => g.GetProperty("Actual").ValueKind == JsonValueKind.Null ? (decimal?)null : g.GetProperty("Actual").GetDecimal()));
    }
}
