using System.Net;
using Dashboard.Testing;

namespace Dashboard.Web.Tests;

/// <summary>Sign-in posts are limited per address: past the limit a 429 with Retry-After, before any password is checked.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Sign_in_posts_past_the_limit_get_429_with_retry_after()
    {
        await using var db = await TestDatabase.CreateAsync("webrate", Schema.Full);
        var store = Path.Combine(Path.GetTempPath(), "web-rate-" + Guid.NewGuid().ToString("N") + ".db");
        await using var web = new KestrelHost<Program>(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Api:BaseUrl"] = "http://127.0.0.1:1/",
            ["ConnectionStrings:ClickHouse"] = db.ConnectionString,
            ["Security:Store:ConnectionString"] = "Data Source=" + store,
            ["RateLimits:SignInPerMinute"] = "3",
        });
        using var client = web.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last?.Dispose();
            // No anti-forgery token: the page refuses these itself, but the limiter counts them first.
            last = await client.PostAsync(new Uri("/Account/SignIn", UriKind.Relative),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "x", ["Password"] = "y" }));
            statuses.Add(last.StatusCode);
        }
        Assert.All(statuses.Take(3), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(3));
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        last.Dispose();
        // Reading the sign-in page is not limited.
        using var page = await client.GetAsync(new Uri("/Account/SignIn", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
