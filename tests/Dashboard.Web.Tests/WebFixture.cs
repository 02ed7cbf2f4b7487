extern alias api;
using System.Globalization;
using System.Net;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Storage;
using Dashboard.Security.Audit;
using Dashboard.Security.Roles;
using Dashboard.Security.Users;
using Dashboard.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.Web.Tests;

/// <summary>A host on Kestrel on a free loopback port (the browser needs a real socket).</summary>
public sealed class KestrelHost<TEntry>(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<TEntry> where TEntry : class
{
    public string Address { get; private set; } = "";

    public void Start()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        Address = (Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.")).TrimEnd('/');
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }
}

/// <summary>
/// The api and the web, each on Kestrel, over one throwaway ClickHouse database (seeded catalogue plus a known
/// set of observations for Taizhou, Zhejiang) and one SQLite operational store, with an account per role and
/// one headless Chromium (Debian's, driven by Playwright).
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    public const string Password = "Qz7!kP9#mW2x";
    public const string City = "331000";
    public const string AsOf = "2023-06-30";
    public const string FileSource = "331002-files";
    public static readonly string[] Counties = ["331002", "331003", "331004", "331022", "331023", "331024", "331081", "331082", "331083"];

    private TestDatabase? _db;
    private IPlaywright? _playwright;

    public KestrelHost<api::Program> Api { get; private set; } = null!;
    public KestrelHost<Program> Web { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Account names by role (district officer: 331002 only; the others: all of Taizhou).</summary>
    public Dictionary<Role, string> Users { get; } = [];

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dashboard.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Dashboard.sln not found above the test binaries.");
        }
    }

    public static string ScreenshotFolder => Directory.CreateDirectory(Path.Combine(RepoRoot, "artifacts", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("web", Schema.Full);
        var store = Path.Combine(Path.GetTempPath(), "dashboard-web-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(store)!);
        var storeConnection = "Data Source=" + store;
        var drop = Directory.CreateTempSubdirectory("dashboard-web-drop-").FullName;

        // One pull source per county (the api shows a run only to users whose regions include its source's),
        // never pulled here (no jobs host runs), and one File source for uploads.
        var apiSettings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ConnectionStrings:ClickHouse"] = _db.ConnectionString,
            ["Security:Store:ConnectionString"] = storeConnection,
            ["RateLimits:ODataPerMinute"] = "100000",
            ["Sources:Items:0:Id"] = FileSource,
            ["Sources:Items:0:RegionCode"] = "331002",
            ["Sources:Items:0:Kind"] = "File",
            ["Sources:Items:0:DropFolder"] = drop,
            ["Sources:Items:0:Cron"] = "0 0/5 * * * ?",
        };
        for (var i = 0; i < Counties.Length; i++)
        {
            var n = (i + 1).ToString(CultureInfo.InvariantCulture);
            apiSettings[$"Sources:Items:{n}:Id"] = Counties[i] + "-edu";
            apiSettings[$"Sources:Items:{n}:RegionCode"] = Counties[i];
            apiSettings[$"Sources:Items:{n}:Kind"] = "Http";
            apiSettings[$"Sources:Items:{n}:Url"] = $"http://127.0.0.1:1/{Counties[i]}";
            apiSettings[$"Sources:Items:{n}:Cron"] = "0 0/15 * * * ?";
            apiSettings[$"Sources:Items:{n}:Secret"] = "web-tests-secret";
        }
        Api = new KestrelHost<api::Program>(apiSettings);
        Api.Start();
        Web = new KestrelHost<Program>(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Api:BaseUrl"] = Api.Address + "/",
            // The browser tests sign in many times from one address; the limiter has its own test.
            ["RateLimits:SignInPerMinute"] = "10000",
            ["RateLimits:ExportsPerMinute"] = "10000",
            ["ConnectionStrings:ClickHouse"] = _db.ConnectionString,
            ["Security:Store:ConnectionString"] = storeConnection,
        });
        Web.Start();

        var ingestion = new IngestionStore(new ClickHouseDatabase(_db.ConnectionString));
        await LoadDataAsync(ingestion);
        await RestateAsync(ingestion);
        await CreateUsersAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>
    /// Public-school absorption (ratio, per term) for the nine counties, rising by county and term, so that some
    /// are on track for 2023's 90% and some lag; each county's rows come from its own pull run.
    /// </summary>
    private static async Task LoadDataAsync(IngestionStore store)
    {
        DateOnly[] terms = [new(2022, 3, 1), new(2022, 9, 1), new(2023, 3, 1)];
        var loaded = new DateTime(2023, 4, 10, 2, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < Counties.Length; i++)
        {
            var county = Counties[i];
            var denominator = 1000m + 50 * i;
            var rows = terms.Select((t, j) => new Observation(county, "PUBLIC_ABSORPTION", t,
                Math.Round(denominator * (0.70m + 0.025m * i + 0.02m * j)), denominator, null, 1, loaded)).ToList();
            var runId = $"run-{county}-1";
            await store.WriteObservationsAsync(rows, county + "-edu", runId, loaded, CancellationToken.None);
            await store.SaveRunAsync(new PullRun
            {
                Id = runId, SourceId = county + "-edu", Trigger = RunTrigger.Schedule, StartedAt = loaded.AddSeconds(-5), FinishedAt = loaded,
                Status = i == 0 ? RunStatus.PartiallySucceeded : RunStatus.Succeeded, RowsReceived = i == 0 ? 4 : 3, RowsLoaded = 3, RowsRejected = i == 0 ? 1 : 0,
            }, CancellationToken.None);
            if (i == 0)
            {
                await store.WriteRejectionsAsync([new Rejection(4, "{\"region\":\"331002\",\"indicator\":\"PUBLIC_ABSORPTION\",\"period\":\"2023-03\",\"numerator\":\"=1+1\"}",
                    county, "numerator", "分子不是数字")], county + "-edu", runId, loaded, CancellationToken.None);
            }
        }
    }

    /// <summary>The county whose latest term the fixture restates (revision 2 replaces revision 1).</summary>
    public const string RestatedCounty = "331003";
    public static readonly DateOnly RestatedPeriod = new(2023, 3, 1);

    /// <summary>A district's correction: a second revision of one number, loaded a month later by its own run.</summary>
    private static async Task RestateAsync(IngestionStore store)
    {
        var loaded = new DateTime(2023, 5, 10, 2, 0, 0, DateTimeKind.Utc);
        var runId = $"run-{RestatedCounty}-2";
        await store.WriteObservationsAsync([new Observation(RestatedCounty, "PUBLIC_ABSORPTION", RestatedPeriod, 801m, 1050m, null, 2, loaded)],
            RestatedCounty + "-edu", runId, loaded, CancellationToken.None);
        await store.SaveRunAsync(new PullRun
        {
            Id = runId, SourceId = RestatedCounty + "-edu", Trigger = RunTrigger.Manual, StartedAt = loaded.AddSeconds(-5), FinishedAt = loaded,
            Status = RunStatus.Succeeded, RowsReceived = 1, RowsLoaded = 1, RowsRejected = 0,
        }, CancellationToken.None);
    }

    private async Task CreateUsersAsync()
    {
        var users = Web.Services.GetRequiredService<UserStore>();
        var actor = Actor.Console("web-tests");
        foreach (var role in Enum.GetValues<Role>())
        {
            string[] regions = role switch
            {
                Role.DistrictOfficer => ["331002"],
                Role.SecurityAdmin or Role.AuditAdmin => [],
                _ => [City],
            };
            var name = "web-" + role.ToString().ToLowerInvariant();
            var created = await users.CreateAsync(new NewUser(name, "测试" + RoleName(role), [role], regions), actor, CancellationToken.None);
            var errors = await users.ChangePasswordAsync(created.User.Id, Password, actor, CancellationToken.None);
            if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
            Users[role] = name;
        }
    }

    public static string RoleName(Role role) => role switch
    {
        Role.Leader => "领导", Role.Inspector => "督学", Role.DistrictOfficer => "区县专员", Role.ReportOffice => "报告办",
        Role.SystemAdmin => "系统管理员", Role.SecurityAdmin => "安全管理员", Role.AuditAdmin => "审计管理员", _ => role.ToString(),
    };

    /// <summary>A new browser page (1366×768, Chinese locale) that records console errors and failed page scripts.</summary>
    public async Task<(IPage Page, List<string> Errors)> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        page.PageError += (_, e) => errors.Add(e);
        return (page, errors);
    }

    /// <summary>Signs in through the sign-in page.</summary>
    public async Task SignInAsync(IPage page, Role role)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(Web.Address + "/Account/SignIn");
        await page.FillAsync("#UserName", Users[role]);
        await page.FillAsync("#Password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }
        // Either host may be missing when start-up failed part way.
        if (Web is { } web) await web.DisposeAsync();
        if (Api is { } apiHost) await apiHost.DisposeAsync();
        if (_db is not null) await _db.DisposeAsync();
    }

    public static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

[CollectionDefinition(Name)]
public sealed class WebGroup : ICollectionFixture<WebFixture>
{
    public const string Name = "web";
}
