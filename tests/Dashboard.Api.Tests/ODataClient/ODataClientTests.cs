using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Api.Tests.ODataClient;

/// <summary>
/// The OData service read by an OData client we did not write (Apache Olingo's odatajs, run by node from
/// tests/odata-client): it must parse $metadata, page through a whole entity set by following nextLink and
/// run $apply. Node needs a real socket, so the api runs on Kestrel on a free loopback port.
/// </summary>
public sealed class ODataClientTests
{
    // Small, so that 50 rows take 8 pages and the client has to follow 7 nextLinks.
    private const int PageSize = 7;

    private static readonly string[] RegionCodes = ["331024", "331081", "331082"];
    private static readonly string[] IndicatorCodes = ["ODC_TEACHERS", "ODC_PUPILS"];

    private sealed record Row(string Region, string Indicator, DateOnly Period, decimal? Numerator, decimal? Denominator, decimal? Value);

    [Fact]
    public async Task A_third_party_OData_client_reads_the_metadata_follows_nextLink_through_all_observations_and_runs_apply()
    {
        var tool = Path.Combine(RepoRoot(), "tests", "odata-client");
        Assert.True(Directory.Exists(Path.Combine(tool, "node_modules", "ts-odatajs")),
            $"The OData client is not installed in {tool}/node_modules: run scripts/test.sh (its scripts/prerequisites.sh runs npm ci there).");

        await using var db = await TestDatabase.CreateAsync("apiodc", Schema.Full);
        var rows = Dataset();
        await InsertAsync(db.ConnectionString, rows);

        await using var factory = new ApiFactory(db.ConnectionString, new Dictionary<string, string?>
        {
            ["OData:PageSize"] = PageSize.ToString(CultureInfo.InvariantCulture),
        });
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        var root = address.TrimEnd('/') + "/odata/";

        var report = await RunClientAsync(tool, root, await factory.KeyAsync(Dashboard.Security.Roles.Role.Leader));

        // $metadata, as the client parsed it.
        var metadata = report.GetProperty("metadata");
        var sets = Strings(metadata.GetProperty("entitySets"));
        foreach (var set in new[] { "Regions", "Indicators", "Targets", "Observations", "Scorecard", "PullRuns", "Rejections" })
            Assert.Contains(set, sets);
        var observations = metadata.GetProperty("observations");
        Assert.Equal(["RegionCode", "IndicatorCode", "Period"], Strings(observations.GetProperty("key")));
        var properties = observations.GetProperty("properties");
        Assert.Equal("Edm.Date", Type(properties, "Period"));
        Assert.Equal("Edm.String", Type(properties, "RegionCode"));
        Assert.Equal("Edm.Decimal", Type(properties, "Value"));
        Assert.True(properties.GetProperty("Value").GetProperty("nullable").GetBoolean());
        Assert.False(properties.GetProperty("Period").GetProperty("nullable").GetBoolean());
        Assert.Equal(["Code"], Strings(metadata.GetProperty("regions").GetProperty("key")));

        // Every row once, fetched page by page from the server's nextLinks.
        var read = report.GetProperty("observations");
        Assert.Equal(rows.Count, read.GetProperty("count").GetInt32());
        Assert.Equal(rows.Count, read.GetProperty("distinctKeys").GetInt32());
        Assert.Equal(0, read.GetProperty("duplicates").GetArrayLength());
        var keys = read.GetProperty("keys").EnumerateArray()
            .Select(k => (k[0].GetString() ?? "", k[1].GetString() ?? "", k[2].GetString() ?? "")).ToHashSet();
        Assert.True(rows.Select(r => (r.Region, r.Indicator, Day(r.Period))).ToHashSet().SetEquals(keys),
            "the client read other keys than were inserted: " + read.GetProperty("keys").GetRawText());
        AssertPaged(Strings(read.GetProperty("urls")), rows.Count, root + "Observations?");

        // $apply, against the same sums done here over the inserted rows. OData's sum skips nulls and is null
        // when a group has no value (one group here has only a ratio row); $count counts every row.
        var apply = report.GetProperty("apply");
        var expected = rows.GroupBy(r => (r.Region, Period: Day(r.Period)))
            .Select(g => (g.Key.Region, g.Key.Period, (decimal)g.Count(), g.Any(r => r.Value is not null) ? g.Sum(r => r.Value ?? 0m) : (decimal?)null))
            .OrderBy(g => g.Region, StringComparer.Ordinal).ThenBy(g => g.Period, StringComparer.Ordinal).ToList();
        Assert.Contains(expected, g => g.Item4 is null);
        var groups = apply.GetProperty("groups").EnumerateArray()
            .Select(g => (g.GetProperty("RegionCode").GetString() ?? "", g.GetProperty("Period").GetString() ?? "", Number(g.GetProperty("N")), NullableNumber(g.GetProperty("Total"))))
            .OrderBy(g => g.Item1, StringComparer.Ordinal).ThenBy(g => g.Item2, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, groups);
        // More groups than a page: the client followed nextLinks that kept the $apply.
        AssertPaged(Strings(apply.GetProperty("urls")), expected.Count, root + "Observations?$apply=");
        var total = apply.GetProperty("total");
        Assert.Equal(rows.Count, Number(total.GetProperty("N")));
        Assert.Equal(rows.Sum(r => r.Value ?? 0m), Number(total.GetProperty("Total")));
    }

    /// <summary>One request per page, every one after the first a nextLink: absolute, on the address the client called, a page further.</summary>
    private static void AssertPaged(List<string> urls, int items, string prefix)
    {
        var pages = (items + PageSize - 1) / PageSize;
        Assert.True(urls.Count == pages, $"expected {pages} requests (one per page of {PageSize}), got: {string.Join(" | ", urls)}");
        for (var i = 1; i < urls.Count; i++)
        {
            Assert.StartsWith(prefix, urls[i], StringComparison.Ordinal);
            Assert.Contains("$skip=" + (i * PageSize).ToString(CultureInfo.InvariantCulture), urls[i], StringComparison.Ordinal);
        }
    }

    /// <summary>50 rows over 3 regions, 2 indicators and 9 months; every tenth has no Value (a ratio row).</summary>
    private static List<Row> Dataset()
    {
        var rows = new List<Row>();
        for (var i = 0; i < 50; i++)
        {
            var period = new DateOnly(2022, 1, 1).AddMonths(i / 6);
            var region = RegionCodes[i % 3];
            var indicator = IndicatorCodes[i / 3 % 2];
            rows.Add(i % 10 == 9
                ? new Row(region, indicator, period, 40 + i, 50 + i, null)
                : new Row(region, indicator, period, null, null, 100.0625m + (i * 17 % 23) * 3.5m));
        }
        return rows;
    }

    private static async Task InsertAsync(string connectionString, IEnumerable<Row> rows)
    {
        await using var c = new ClickHouseConnection(connectionString);
        await c.OpenAsync();
        var loaded = new DateTime(2024, 3, 1, 8, 0, 0, DateTimeKind.Utc);
        foreach (var r in rows)
        {
            await c.ExecuteAsync("""
                INSERT INTO observations (region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at)
                VALUES (@region, @indicator, @period, @numerator, @denominator, @value, 1, 'odata-client', 'run-odc', @loaded, @loaded)
                """, new { region = r.Region, indicator = r.Indicator, period = r.Period, numerator = r.Numerator, denominator = r.Denominator, value = r.Value, loaded });
        }
    }

    private static async Task<JsonElement> RunClientAsync(string tool, string root, string apiKey)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = tool, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ODATA_BEARER_TOKEN"] = apiKey;
        start.ArgumentList.Add(Path.Combine(tool, "odata-client-check.mjs"));
        start.ArgumentList.Add(root);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("node is not on PATH: run scripts/test.sh (its scripts/prerequisites.sh installs nodejs).", ex);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("the OData client ran longer than 2 minutes: " + await stderr);
            }
            var output = await stdout;
            var errors = await stderr;
            Assert.True(process.ExitCode == 0, $"the OData client failed (exit {process.ExitCode}): {errors}\n{output}");
            return JsonDocument.Parse(output).RootElement.Clone();
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("No Dashboard.sln above " + AppContext.BaseDirectory);
    }

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString() ?? "").ToList();

    private static string? Type(JsonElement properties, string name) => properties.GetProperty(name).GetProperty("type").GetString();

    /// <summary>An OData number as written: a JSON number, or a string under IEEE754Compatible.</summary>
    private static decimal Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? decimal.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : e.GetDecimal();

    private static decimal? NullableNumber(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : Number(e);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
