using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Testing;

namespace Dashboard.Api.Tests.Ingestion;

/// <summary>
/// One api over a fresh, fully migrated database (per test class) with two configured sources: the Http
/// source 331024-edu (unreachable URL: run-now only records a request; secret "s3cret") and the File
/// source 331081-files with a temporary drop folder. Uploads are limited to <see cref="MaxBytes"/>.
/// </summary>
public sealed class IngestionApiFixture : IAsyncLifetime
{
    public const string HttpSource = "331024-edu";
    public const string FileSource = "331081-files";
    public const string Secret = "s3cret";
    public const long MaxBytes = 256 * 1024;
    public const string CsvHeader = "region,indicator,period,numerator,denominator,value,revision,updatedAt";

    private TestDatabase? _db;

    public IngestionApiFixture() => DropFolder = Directory.CreateTempSubdirectory("dashboard-api-drop-").FullName;

    public ApiFactory Factory { get; private set; } = null!;

    public string DropFolder { get; }

    /// <summary>The configuration of the two sources (and the upload limit), for factories that vary it.</summary>
    public static Dictionary<string, string?> Settings(string dropFolder) => new(StringComparer.Ordinal)
    {
        ["Sources:Items:0:Id"] = HttpSource,
        ["Sources:Items:0:RegionCode"] = "331024",
        ["Sources:Items:0:Kind"] = "Http",
        ["Sources:Items:0:Url"] = "http://127.0.0.1:1/331024-edu",
        ["Sources:Items:0:Cron"] = "0 0/15 * * * ?",
        ["Sources:Items:0:Secret"] = Secret,
        ["Sources:Items:1:Id"] = FileSource,
        ["Sources:Items:1:RegionCode"] = "331081",
        ["Sources:Items:1:Kind"] = "File",
        ["Sources:Items:1:DropFolder"] = dropFolder,
        ["Sources:Items:1:Cron"] = "0 0/5 * * * ?",
        ["Uploads:MaxBytes"] = MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("apiing", Schema.Full);
        Factory = new ApiFactory(_db.ConnectionString, Settings(DropFolder));
        // The system administrator runs sources and uploads for every region.
        _key = await Factory.KeyAsync(Dashboard.Security.Roles.Role.SystemAdmin);
    }

    private string _key = "";

    /// <summary>The user name behind <see cref="Client"/> (recorded as who asked for runs).</summary>
    public const string UserName = "systemadmin-";

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _db!.DisposeAsync();
        Directory.Delete(DropFolder, recursive: true);
    }

    public HttpClient Client()
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        return client;
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = new ClickHouseConnection(Factory.ConnectionString);
        await c.OpenAsync();
        return await c.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value");
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var c = new ClickHouseConnection(Factory.ConnectionString);
        await c.OpenAsync();
        return (await c.QueryAsync<T>(sql, args)).ToList();
    }

    /// <summary>Posts a file as multipart/form-data in the field <paramref name="field"/>.</summary>
    public async Task<Answer> UploadAsync(string source, byte[] file, string fileName, string field = "file", string contentType = "text/csv")
    {
        using var client = Client();
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(part, field, fileName);
        using var response = await client.PostAsync(new Uri($"/api/sources/{source}/uploads", UriKind.Relative), form);
        return await Answer.ReadAsync(response);
    }

    public async Task<Answer> GetAsync(string path)
    {
        using var client = Client();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return await Answer.ReadAsync(response);
    }

    public async Task<Answer> PostAsync(string path, HttpContent? content = null)
    {
        using var client = Client();
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        return await Answer.ReadAsync(response);
    }

    /// <summary>Rows valid for 331024 and PUBLIC_ABSORPTION (a Term indicator: YYYY-03 or YYYY-09, numerator ≤ denominator).</summary>
    public static string Row(string region, string period, int numerator, int denominator, int revision = 1) =>
        $"{region},PUBLIC_ABSORPTION,{period},{numerator},{denominator},,{revision},{period[..4]}-10-08T09:30:00+08:00";
}

/// <summary>A response read whole: status, media type, headers, raw text and the JSON body when there is one.</summary>
public sealed record Answer(System.Net.HttpStatusCode Status, string? MediaType, HttpResponseHeaders Headers, string Raw, JsonElement Json)
{
    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        var media = response.Content.Headers.ContentType?.MediaType;
        var json = media is not null && media.Contains("json", StringComparison.Ordinal) ? JsonDocument.Parse(raw).RootElement.Clone() : default;
        return new Answer(response.StatusCode, media, response.Headers, raw, json);
    }

    /// <summary>Asserts a ProblemDetails with this status whose detail mentions <paramref name="mentions"/>.</summary>
    public Answer AssertProblem(System.Net.HttpStatusCode status, string mentions)
    {
        Assert.True(Status == status, $"expected {status}, got {Status}: {Raw}");
        Assert.Equal("application/problem+json", MediaType);
        Assert.Equal((int)status, Json.GetProperty("status").GetInt32());
        Assert.Contains(mentions, Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        return this;
    }
}

