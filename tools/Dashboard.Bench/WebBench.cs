using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dashboard.Bench;

/// <summary>
/// Server time of the web's overview and region drill-down (scripts/bench-web.sh, issue 7): every virtual user
/// signs in once through the sign-in form (anti-forgery token and all; a one-time password is changed on the way,
/// as a first sign-in must), then the users load one page for a while; each request's time is to the last byte of
/// the answer. Beside it, the same users ask the api directly for the page's main query (the Scorecard rows the
/// page is built from: for the overview the city's and its children's rows plus the lagging rows, for the drill-down the region's rows), and the web's <c>Server-Timing</c> header (Diagnostics:ServerTiming) tells how much of each
/// page's time went to its api calls. The api caches a Scorecard snapshot per jurisdiction and as-of date, so the
/// first request for a date is timed apart, each time on a date not asked before.
/// Settings come from the environment (BENCH_WEB_*), so the password never shows in a process listing.
/// </summary>
internal static partial class WebBench
{
    private sealed record Settings(Uri Web, Uri Api, string User, string Password, string City, string Region, DateOnly AsOf, int Clients,
        double Seconds, int FirstRuns);

    private sealed record Sample(double Ms, bool Ok, double? ApiMs, int ApiCalls);

    private sealed record VirtualUser(HttpClient Web, HttpClient Api);

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("api;dur=([0-9.]+);desc=\"([0-9]+) calls\"")]
    private static partial Regex ApiTiming();

    public static async Task<int> RunAsync(CancellationToken ct)
    {
        var s = Read();
        var password = s.Password;
        var users = new List<VirtualUser>();
        for (var i = 0; i < s.Clients; i++)
        {
            var (user, current) = await SignInAsync(s, password, ct);
            password = current;
            users.Add(user);
        }
        await Console.Error.WriteLineAsync($"[bench] {users.Count} sessions open");

        var overview = $"Overview?city={s.City}&asOf={Day(s.AsOf)}";
        var region = $"Regions/View?code={s.Region}&asOf={Day(s.AsOf)}";
        // The pages' own Scorecard requests (Overview/Index and Regions/View): the city and its children with the
        // lagging rows riding on the first chunk; the region and its first 80 children.
        var near = await NearAsync(users[0].Api, s.City, ct);
        static string In(IEnumerable<string> codes) => "RegionCode in (" + string.Join(',', codes.Select(c => $"'{c}'")) + ")";
        var judged = await JudgedSubtreeAsync(users[0].Api, s.City, ct);
        var both = near.Union(judged, StringComparer.Ordinal).ToList();
        string[] OverviewMain(DateOnly d) => both.Count <= 60
            ? [ScorecardTarget(d, In(both))]
            : [.. near.Chunk(60).Select(chunk => ScorecardTarget(d, In(chunk))),
               .. judged.Except(near, StringComparer.Ordinal).Chunk(60).Select(chunk => ScorecardTarget(d, In(chunk) + " and Status in ('Missed','Red','AmberRed')"))];
        var regionNear = (await NearAsync(users[0].Api, s.Region, ct)).Take(81).ToList();
        string[] RegionMain(DateOnly d) => [ScorecardTarget(d, In(regionNear))];
        var overviewMain = OverviewMain(s.AsOf);
        var regionMain = RegionMain(s.AsOf);

        // First requests: one user, nothing else running, a date no one asked for yet (so no snapshot exists).
        var day = 0;
        DateOnly Fresh() => s.AsOf.AddDays(-++day);
        var first = new Dictionary<string, List<double>>(StringComparer.Ordinal)
        {
            ["overview_web"] = [], ["region_web"] = [], ["overview_api"] = [], ["region_api"] = [],
        };
        for (var i = 0; i < s.FirstRuns; i++)
        {
            first["overview_web"].Add(Checked(await PageAsync(users[0].Web, $"Overview?city={s.City}&asOf={Day(Fresh())}", ct)));
            first["region_web"].Add(Checked(await PageAsync(users[0].Web, $"Regions/View?code={s.Region}&asOf={Day(Fresh())}", ct)));
            var d = Fresh();
            first["overview_api"].Add(Checked(await ApiSequenceAsync(users[0].Api, OverviewMain(d), ct)));
            first["region_api"].Add(Checked(await ApiSequenceAsync(users[0].Api, RegionMain(Fresh()), ct)));
        }
        foreach (var (name, runs) in first)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"first={name} runs={runs.Count} median={Stats.Percentile(runs, 50):F0} max={runs.Max():F0} all={string.Join(',', runs.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}"));

        // Warm: every user asks for both pages twice (JIT, connection pools, the as-of date's snapshot), then the load.
        await Task.WhenAll(users.Select(async u =>
        {
            for (var i = 0; i < 2; i++)
            {
                Checked(await PageAsync(u.Web, overview, ct));
                Checked(await PageAsync(u.Web, region, ct));
            }
        }));
        foreach (var (name, path, main) in new[] { ("overview", overview, overviewMain), ("region", region, regionMain) })
        {
            var web = await LoadAsync(users, s.Seconds, u => PageAsync(u.Web, path, ct), ct);
            var api = await LoadAsync(users, s.Seconds, u => ApiSequenceAsync(u.Api, main, ct), ct);
            var apiShare = web.Samples.Where(x => x.ApiMs is not null).Select(x => x.ApiMs!.Value).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"load={name} clients={users.Count} seconds={s.Seconds:F0} web_requests={web.Count} web_rps={web.Rps:F1} web_p50={web.P50:F0} web_p95={web.P95:F0} web_max={web.Max:F0} web_errors={web.Errors} " +
                $"web_api_sum_p50={(apiShare.Count > 0 ? Stats.Percentile(apiShare, 50) : 0):F0} web_api_sum_p95={(apiShare.Count > 0 ? Stats.Percentile(apiShare, 95) : 0):F0} " +
                $"api_calls={(web.Samples.Count > 0 ? Stats.Percentile(web.Samples.Select(x => (double)x.ApiCalls).ToList(), 50) : 0):F0} api_calls_max={(web.Samples.Count > 0 ? web.Samples.Max(x => x.ApiCalls) : 0)} main_requests={api.Count} main_rps={api.Rps:F1} main_p50={api.P50:F0} main_p95={api.P95:F0} main_errors={api.Errors} " +
                $"main_queries={main.Length} ratio_p95={web.P95 / Math.Max(1, api.P95):F2} path={path.Replace(' ', '+')}"));
        }
        foreach (var u in users)
        {
            u.Web.Dispose();
            u.Api.Dispose();
        }
        return 0;
    }

    private static Settings Read()
    {
        static string Env(string name, string? fallback = null) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback ?? throw new InvalidOperationException($"{name} is not set.");
        return new Settings(new Uri(Env("BENCH_WEB_URL").TrimEnd('/') + "/"), new Uri(Env("BENCH_WEB_API").TrimEnd('/') + "/"), Env("BENCH_WEB_USER"),
            Env("BENCH_WEB_PASSWORD"), Env("BENCH_WEB_CITY", "331000"), Env("BENCH_WEB_REGION", "331002"),
            DateOnly.ParseExact(Env("BENCH_WEB_ASOF", "2026-10-31"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            int.Parse(Env("BENCH_WEB_CLIENTS", "16"), CultureInfo.InvariantCulture), double.Parse(Env("BENCH_WEB_SECONDS", "30"), CultureInfo.InvariantCulture),
            int.Parse(Env("BENCH_WEB_FIRST_RUNS", "5"), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Signs in through the form like a browser (cookie jar, anti-forgery token); a one-time password leads to the
    /// change page, where it is replaced. Returns the user's clients and the password that now works.
    /// </summary>
    private static async Task<(VirtualUser User, string Password)> SignInAsync(Settings s, string password, CancellationToken ct)
    {
        var jar = new CookieContainer();
        var web = new HttpClient(new SocketsHttpHandler { CookieContainer = jar, AllowAutoRedirect = false, MaxConnectionsPerServer = 4 })
        {
            BaseAddress = s.Web,
            Timeout = TimeSpan.FromMinutes(5),
        };
        var location = await PostFormAsync(web, "Account/SignIn", new() { ["UserName"] = s.User, ["Password"] = password }, ct);
        if (location.StartsWith("/Account/ChangePassword", StringComparison.Ordinal))
        {
            var next = "Bench#" + Guid.NewGuid().ToString("N")[..12] + "Q7";
            location = await PostFormAsync(web, "Account/ChangePassword",
                new() { ["CurrentPassword"] = password, ["NewPassword"] = next, ["ConfirmPassword"] = next }, ct);
            password = next;
        }
        if (location != "/") throw new InvalidOperationException($"sign-in of {s.User} ended at {location}, not the start page.");
        var token = jar.GetCookies(s.Web)["dashboard_session"]?.Value ?? throw new InvalidOperationException("no session cookie after sign-in.");
        // The api client carries the same session as a bearer token, as the web forwards it.
        var api = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4 }) { BaseAddress = s.Api, Timeout = TimeSpan.FromMinutes(5) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (new VirtualUser(web, api), password);
    }

    /// <summary>GETs a form page, posts the fields with its anti-forgery token, and returns where the answer redirects.</summary>
    private static async Task<string> PostFormAsync(HttpClient web, string path, Dictionary<string, string> fields, CancellationToken ct)
    {
        var html = await web.GetStringAsync(new Uri(path, UriKind.Relative), ct);
        var matches = AntiforgeryToken().Matches(html);
        if (matches.Count == 0) throw new InvalidOperationException($"{path}: no anti-forgery token in the form.");
        // The last form on the page is the page's own (the header's sign-out form comes first).
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(matches[^1].Groups[1].Value);
        using var response = await web.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields), ct);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location is null)
            throw new InvalidOperationException($"{path}: answered {(int)response.StatusCode} instead of a redirect (wrong password, or the form refused).");
        return response.Headers.Location.OriginalString;
    }

    /// <summary>One page, read to its last byte. A 200 that says the api failed counts as an error.</summary>
    private static async Task<Sample> PageAsync(HttpClient web, string path, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await web.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var ok = response.StatusCode == HttpStatusCode.OK && !body.Contains("数据服务暂时无法访问", StringComparison.Ordinal)
                && !body.Contains("查询条件无效", StringComparison.Ordinal);
            double? apiMs = null;
            var calls = 0;
            if (response.Headers.TryGetValues("Server-Timing", out var values) && ApiTiming().Match(string.Join(",", values)) is { Success: true } m)
            {
                apiMs = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                calls = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }
            return new Sample(ms, ok, apiMs, calls);
        }
        catch (HttpRequestException)
        {
            // Counted as an error with its time; the load goes on.
            return new Sample(Stopwatch.GetElapsedTime(start).TotalMilliseconds, false, null, 0);
        }
    }

    /// <summary>The page's main api query (one request per chunk of regions, in order, as the page sends them).</summary>
    private static async Task<Sample> ApiSequenceAsync(HttpClient api, string[] targets, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var ok = true;
        try
        {
            foreach (var t in targets)
            {
                using var response = await api.GetAsync(new Uri(t, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
                await response.Content.ReadAsByteArrayAsync(ct);
                ok &= response.StatusCode == HttpStatusCode.OK;
            }
        }
        catch (HttpRequestException)
        {
            ok = false;
        }
        return new Sample(Stopwatch.GetElapsedTime(start).TotalMilliseconds, ok, null, targets.Length);
    }

    private static double Checked(Sample sample) =>
        sample.Ok ? sample.Ms : throw new InvalidOperationException("a request failed outside the load phase (see the web's and the api's logs).");

    private sealed record LoadResult(List<Sample> Samples, int Count, double Rps, double P50, double P95, double Max, int Errors);

    /// <summary>Every user in a loop for <paramref name="seconds"/>: one request after another, no think time.</summary>
    private static async Task<LoadResult> LoadAsync(List<VirtualUser> users, double seconds, Func<VirtualUser, Task<Sample>> request, CancellationToken ct)
    {
        var samples = new ConcurrentBag<Sample>();
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(users.Select(u => Task.Run(async () =>
        {
            while (clock.Elapsed < until && !ct.IsCancellationRequested) samples.Add(await request(u));
        }, ct)));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = samples.ToList();
        var ok = all.Where(x => x.Ok).Select(x => x.Ms).ToList();
        return new LoadResult(all, all.Count, all.Count / elapsed, ok.Count > 0 ? Stats.Percentile(ok, 50) : 0, ok.Count > 0 ? Stats.Percentile(ok, 95) : 0,
            ok.Count > 0 ? ok.Max() : 0, all.Count(x => !x.Ok));
    }

    /// <summary>The region and every non-school region under it (the overview's judged subtree), following nextLink.</summary>
    private static async Task<List<string>> JudgedSubtreeAsync(HttpClient api, string root, CancellationToken ct)
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        for (Uri? next = new("odata/Regions?$select=Code,ParentCode&$filter=" + Uri.EscapeDataString("Level ne 'School'"), UriKind.Relative); next is not null;)
        {
            using var doc = JsonDocument.Parse(await api.GetStringAsync(next, ct));
            foreach (var r in doc.RootElement.GetProperty("value").EnumerateArray())
                parent[r.GetProperty("Code").GetString()!] = r.GetProperty("ParentCode").GetString() ?? "";
            next = doc.RootElement.TryGetProperty("@odata.nextLink", out var link) ? new Uri(link.GetString()!, UriKind.Absolute) : null;
        }
        var children = parent.ToLookup(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var result = new List<string>();
        var stack = new Stack<string>([root]);
        while (stack.TryPop(out var code))
        {
            result.Add(code);
            foreach (var c in children[code]) stack.Push(c);
        }
        return result;
    }

    /// <summary>A region and its children, in code order: the regions whose every row the page asks for.</summary>
    private static async Task<List<string>> NearAsync(HttpClient api, string city, CancellationToken ct)
    {
        var result = new List<string> { city };
        using var doc = JsonDocument.Parse(await api.GetStringAsync(new Uri($"odata/Regions?$select=Code&$filter=ParentCode eq '{city}'&$orderby=Code", UriKind.Relative), ct));
        result.AddRange(doc.RootElement.GetProperty("value").EnumerateArray().Select(r => r.GetProperty("Code").GetString()!));
        return result;
    }

    private static string ScorecardTarget(DateOnly asOf, string filter) =>
        $"odata/Scorecard?asOf={Day(asOf)}&$filter={Uri.EscapeDataString(filter)}&$orderby={Uri.EscapeDataString("RegionCode,TargetId")}";

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
