using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Storage;
using Dashboard.Security.Roles;
using Dashboard.Testing;

namespace Dashboard.Api.Tests.Security;

/// <summary>
/// One api over a seeded database with data for two districts of Taizhou (Zhejiang): 仙居县 331024 and 温岭市
/// 331081, each with a file source (and 仙居 with an HTTP source), one run per district, and a target for each.
/// Accounts: one per role; the district officer holds 仙居 only, the inspector too (so that 温岭 is "another
/// district" for both), the leader and report office hold the city 331000, administrators everything.
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public const string Own = "331024";
    public const string Other = "331081";
    public const string OwnHttpSource = "331024-edu";
    public const string OwnFileSource = "331024-files";
    public const string OtherFileSource = "331081-files";
    public const string OwnTarget = "T-SEC-331024";
    public const string OtherTarget = "T-SEC-331081";
    public const string CsvHeader = "region,indicator,period,numerator,denominator,value,revision,updatedAt";

    private TestDatabase? _db;
    private readonly string _drop = Directory.CreateTempSubdirectory("dashboard-sec-drop-").FullName;

    public ApiFactory Factory { get; private set; } = null!;

    public string OtherRunId { get; private set; } = "";

    public Dictionary<Role, string> Keys { get; } = [];

    /// <summary>The region each role's account holds.</summary>
    public static string[] RegionsOf(Role role) => role switch
    {
        Role.DistrictOfficer or Role.Inspector => [Own],
        Role.Leader or Role.ReportOffice => ["331000"],
        _ => ApiFactory.AllRegions,
    };

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("apisec", Schema.Full);
        Directory.CreateDirectory(Path.Combine(_drop, Own));
        Directory.CreateDirectory(Path.Combine(_drop, Other));
        Factory = new ApiFactory(_db.ConnectionString, new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["OData:PageSize"] = "3",
            ["Sources:Items:0:Id"] = OwnHttpSource,
            ["Sources:Items:0:RegionCode"] = Own,
            ["Sources:Items:0:Kind"] = "Http",
            ["Sources:Items:0:Url"] = "http://127.0.0.1:1/331024-edu",
            ["Sources:Items:0:Cron"] = "0 0/15 * * * ?",
            ["Sources:Items:0:Secret"] = "feed-secret",
            ["Sources:Items:1:Id"] = OwnFileSource,
            ["Sources:Items:1:RegionCode"] = Own,
            ["Sources:Items:1:Kind"] = "File",
            ["Sources:Items:1:DropFolder"] = Path.Combine(_drop, Own),
            ["Sources:Items:1:Cron"] = "0 0/5 * * * ?",
            ["Sources:Items:2:Id"] = OtherFileSource,
            ["Sources:Items:2:RegionCode"] = Other,
            ["Sources:Items:2:Kind"] = "File",
            ["Sources:Items:2:DropFolder"] = Path.Combine(_drop, Other),
            ["Sources:Items:2:Cron"] = "0 0/5 * * * ?",
        });

        var store = new IngestionStore(new ClickHouseDatabase(_db.ConnectionString));
        var updated = new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var (region, source, run) in new[] { (Own, OwnFileSource, "run-own"), (Other, OtherFileSource, "run-other") })
        {
            var rows = Enumerable.Range(0, 4).Select(j => new Observation(region, "PUBLIC_ABSORPTION", new DateOnly(2022 + j / 2, j % 2 == 0 ? 3 : 9, 1),
                100 + j, 200, null, 1, updated)).ToList();
            await store.WriteObservationsAsync(rows, source, run, new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc), CancellationToken.None);
            await store.SaveRunAsync(new PullRun { Id = run, SourceId = source, Trigger = RunTrigger.Upload, StartedAt = updated, FinishedAt = updated, Status = RunStatus.Succeeded, RowsReceived = 4, RowsLoaded = 4 }, CancellationToken.None);
        }
        OtherRunId = "run-other";

        await using (var c = new ClickHouseConnection(_db.ConnectionString))
        {
            await c.OpenAsync();
            foreach (var (id, region) in new[] { (OwnTarget, Own), (OtherTarget, Other) })
                await c.ExecuteAsync("""
                    INSERT INTO targets (id, version, region_code, indicator_code, kind, comparator, value, start_date, deadline, baseline_period,
                                         document, clause, responsible_units, author, created_at, change_note)
                    VALUES (@id, 1, @region, 'PUBLIC_ABSORPTION', 'Level', 'ge', 0.9, '2021-09-01', '2023-12-31', NULL, 'test.txt', '测试条款', ['县教育局'], 'test', now(), 'seed')
                    """, new { id, region });
        }

        foreach (var role in Enum.GetValues<Role>()) Keys[role] = await Factory.KeyAsync(role, RegionsOf(role));
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_db is not null) await _db.DisposeAsync();
        Directory.Delete(_drop, recursive: true);
    }

    public HttpClient ClientAs(Role role)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Keys[role]);
        return client;
    }

    public async Task<(int Status, string Raw, HttpResponseMessage Response)> SendAsync(Role role, HttpMethod method, string url, HttpContent? content = null)
    {
        using var client = ClientAs(role);
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.RelativeOrAbsolute)) { Content = content };
        var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public async Task<JsonElement> GetJsonAsync(Role role, string url)
    {
        var (status, raw, response) = await SendAsync(role, HttpMethod.Get, url);
        response.Dispose();
        Assert.True(status == 200, $"{url}: {status} {raw}");
        return JsonDocument.Parse(raw).RootElement.Clone();
    }

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static MultipartFormDataContent Csv(string text, string name = "rows.csv")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", name);
        return form;
    }

    public static string Row(string region, string period, int numerator, int denominator) =>
        string.Create(CultureInfo.InvariantCulture, $"{region},PUBLIC_ABSORPTION,{period},{numerator},{denominator},,1,2024-02-01T00:00:00+08:00");

    /// <summary>Audit records of one action since a moment, newest first.</summary>
    public async Task<IReadOnlyList<(string User, string Action, string Object, string Result, string Detail)>> AuditAsync(string action, DateTime since)
    {
        await using var c = new ClickHouseConnection(Factory.ConnectionString);
        await c.OpenAsync();
        return (await c.QueryAsync<(string, string, string, string, string)>(
            "SELECT user, action, object, result, detail FROM audit_log WHERE action = @action AND time >= @since ORDER BY time DESC",
            new { action, since })).ToList();
    }
}
