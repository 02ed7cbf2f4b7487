using Dashboard.Web.Api;
using Dashboard.Web.Common;

namespace Dashboard.Web.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData("331002", "'331002'")]
    [InlineData("O'Brien", "'O''Brien'")]
    [InlineData("') or true or ('", "''') or true or ('''")]
    public void OData_literals_double_single_quotes(string value, string expected) => Assert.Equal(expected, ODataQuery.Literal(value));

    [Fact]
    public void OData_query_string_is_percent_encoded()
    {
        var q = new ODataQuery { Filter = ODataQuery.Eq("RegionCode", "a&$top=1"), AsOf = new DateOnly(2023, 6, 30) }.ToString();
        Assert.Equal("asOf=2023-06-30&$filter=RegionCode%20eq%20%27a%26%24top%3D1%27", q);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+86", "'+86")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("台州市", "台州市")]
    public void Csv_fields_are_neutralised_and_quoted(string value, string expected) => Assert.Equal(expected, Csv.Field(value));

    private static System.Security.Claims.ClaimsPrincipal User(string role, params string[] regions) =>
        new(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.Role, role), .. regions.Select(r => new System.Security.Claims.Claim(Dashboard.Web.Security.SessionDefaults.RegionClaim, r))], "test"));

    [Fact]
    public async Task The_jurisdiction_cache_is_shared_by_the_same_roles_and_regions_only()
    {
        using var cache = new Microsoft.Extensions.Caching.Memory.MemoryCache(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions());
        var loads = 0;
        Task<string> Load() => Task.FromResult("v" + Interlocked.Increment(ref loads));
        var hour = TimeSpan.FromHours(1);
        Assert.Equal("v1", await JurisdictionCache.GetAsync(cache, User("Leader", "331000", "320583"), "x", hour, Load));
        Assert.Equal("v1", await JurisdictionCache.GetAsync(cache, User("Leader", "320583", "331000"), "x", hour, Load)); // same set, other order
        Assert.Equal("v2", await JurisdictionCache.GetAsync(cache, User("Leader", "331000"), "x", hour, Load));             // a smaller jurisdiction
        Assert.Equal("v3", await JurisdictionCache.GetAsync(cache, User("Inspector", "331000", "320583"), "x", hour, Load)); // another role
        Assert.Equal("v4", await JurisdictionCache.GetAsync(cache, User("Leader", "331000", "320583"), "y", hour, Load));    // another item
        JurisdictionCache.Clear(cache);
        Assert.Equal("v5", await JurisdictionCache.GetAsync(cache, User("Leader", "331000", "320583"), "x", hour, Load));
    }

    [Fact]
    public async Task A_due_entry_is_reloaded_by_one_request_while_the_others_get_the_old_value()
    {
        using var cache = new Microsoft.Extensions.Caching.Memory.MemoryCache(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions());
        var user = User("Leader", "331000");
        Assert.Equal("old", await JurisdictionCache.GetAsync(cache, user, "x", TimeSpan.FromHours(1), () => Task.FromResult("old")));

        // Zero freshness: the entry is due. The first caller reloads and is held there…
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reloading = JurisdictionCache.GetAsync(cache, user, "x", TimeSpan.Zero, () => gate.Task);
        Assert.False(reloading.IsCompleted);
        // …while another caller gets the old value at once, without loading.
        Assert.Equal("old", await JurisdictionCache.GetAsync<string>(cache, user, "x", TimeSpan.Zero, () => throw new InvalidOperationException("a second reload")));
        gate.SetResult("new");
        Assert.Equal("new", await reloading);
        Assert.Equal("new", await JurisdictionCache.GetAsync(cache, user, "x", TimeSpan.FromHours(1), () => Task.FromResult("unused")));
    }
}
