using System.Net.Http.Headers;
using System.Text.Json;
using Dashboard.Security.Roles;
using Dashboard.Security.SignIn;
using Dashboard.Security.Users;
using Microsoft.Extensions.DependencyInjection;
using static Dashboard.Api.Tests.Security.SecurityFixture;

namespace Dashboard.Api.Tests.Security;

/// <summary>
/// One audit record, in ClickHouse's audit_log, for every kind of event the api and the sign-in service
/// produce, with who, what and the result; never a secret. Read back through the audit administrator's OData set.
/// </summary>
public sealed class AuditTrailTests(SecurityFixture fx) : IClassFixture<SecurityFixture>
{
    private static DateTime Since() => DateTime.UtcNow.AddSeconds(-2);

    private async Task<(string User, string Action, string Object, string Result, string Detail)> OneAsync(string action, DateTime since, Func<(string User, string Action, string Object, string Result, string Detail), bool> match)
    {
        var rows = await fx.AuditAsync(action, since);
        var hit = rows.Where(match).ToList();
        Assert.True(hit.Count >= 1, $"no {action} record matched among {rows.Count}: {string.Join(" | ", rows.Select(r => r.Object + " " + r.Detail))}");
        return hit[0];
    }

    [Fact]
    public async Task Denials_rejected_queries_target_edits_overrides_and_uploads_are_recorded()
    {
        var since = Since();
        (await fx.SendAsync(Role.DistrictOfficer, HttpMethod.Get, $"/api/sources/{OtherFileSource}")).Response.Dispose();
        var denied = await OneAsync("AccessDenied", since, r => r.Object.Contains(OtherFileSource, StringComparison.Ordinal));
        Assert.Equal("Denied", denied.Result);
        Assert.StartsWith("districtofficer-", denied.User, StringComparison.Ordinal);

        (await fx.SendAsync(Role.Leader, HttpMethod.Get, "/odata/Observations?$filter=Nope eq 1")).Response.Dispose();
        var rejected = await OneAsync("QueryRejected", since, r => r.Detail.Contains("Nope", StringComparison.Ordinal));
        Assert.Equal("Observations", rejected.Object);
        Assert.Equal("Failure", rejected.Result);

        var id = "T-AUDIT-" + Guid.NewGuid().ToString("N")[..8];
        var body = new
        {
            id, regionCode = Own, indicatorCode = "PUBLIC_ABSORPTION", kind = "Level", comparator = "ge", value = 0.9,
            startDate = "2021-09-01", deadline = "2023-12-31", document = "x.txt", clause = "测试", responsibleUnits = new[] { "县教育局" },
        };
        (await fx.SendAsync(Role.SystemAdmin, HttpMethod.Post, "/api/targets", Json(body))).Response.Dispose();
        var edit = JsonSerializer.Serialize(body with { }).TrimEnd('}') + ",\"changeNote\":\"改\"}";
        edit = edit.Replace("\"value\":0.9", "\"value\":0.95", StringComparison.Ordinal);
        (await fx.SendAsync(Role.SystemAdmin, HttpMethod.Put, $"/api/targets/{id}", new StringContent(edit, System.Text.Encoding.UTF8, "application/json"))).Response.Dispose();
        var edited = await OneAsync("TargetEdited", since, r => r.Object == $"target {id} v2");
        Assert.Contains("0.9 ", edited.Detail, StringComparison.Ordinal);
        Assert.Contains("→", edited.Detail, StringComparison.Ordinal);
        Assert.Contains("0.95", edited.Detail, StringComparison.Ordinal);

        (await fx.SendAsync(Role.Inspector, HttpMethod.Post, "/api/overrides",
            Json(new { regionCode = Own, targetId = OwnTarget, status = "Green", reason = "审计测试理由", validFrom = "2023-01-01" }))).Response.Dispose();
        var overridden = await OneAsync("OverrideAdded", since, r => r.Detail.Contains("审计测试理由", StringComparison.Ordinal));
        Assert.Equal($"region {Own}, target {OwnTarget}", overridden.Object);

        (await fx.SendAsync(Role.DistrictOfficer, HttpMethod.Post, $"/api/sources/{OwnFileSource}/uploads",
            Csv(CsvHeader + "\n" + Row(Own, "2020-09", 10, 20) + "\n", "audit-upload.csv"))).Response.Dispose();
        var upload = await OneAsync("Upload", since, r => r.Detail.Contains("audit-upload.csv", StringComparison.Ordinal));
        Assert.Equal("Success", upload.Result);
        Assert.Contains("1 rows loaded", upload.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Account_changes_and_api_keys_are_recorded_without_the_secrets()
    {
        var since = Since();
        using var security = fx.ClientAs(Role.SecurityAdmin);
        var name = "audit-" + Guid.NewGuid().ToString("N")[..6];
        using var created = await security.PostAsync(new Uri("/api/users", UriKind.Relative),
            Json(new { userName = name, displayName = "审计", roles = new[] { "Leader" }, regions = new[] { Own } }));
        var issued = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var userId = issued.GetProperty("user").GetProperty("id").GetString()!;
        var oneTime = issued.GetProperty("oneTimePassword").GetString()!;

        (await security.PutAsync(new Uri($"/api/users/{userId}/roles", UriKind.Relative), Json(new { values = new[] { "Inspector" } }))).Dispose();
        (await security.PutAsync(new Uri($"/api/users/{userId}/regions", UriKind.Relative), Json(new { values = new[] { Own, Other } }))).Dispose();
        (await security.PostAsync(new Uri($"/api/users/{userId}/disable", UriKind.Relative), null)).Dispose();
        (await security.PostAsync(new Uri($"/api/users/{userId}/enable", UriKind.Relative), null)).Dispose();
        using var reset = await security.PostAsync(new Uri($"/api/users/{userId}/reset-password", UriKind.Relative), null);
        var resetPassword = JsonDocument.Parse(await reset.Content.ReadAsStringAsync()).RootElement.GetProperty("oneTimePassword").GetString()!;

        Assert.Equal("Success", (await OneAsync("UserCreated", since, r => r.Object == name)).Result);
        Assert.Contains("Inspector", (await OneAsync("RolesChanged", since, r => r.Object == name)).Detail, StringComparison.Ordinal);
        Assert.Contains(Other, (await OneAsync("JurisdictionChanged", since, r => r.Object == name)).Detail, StringComparison.Ordinal);
        await OneAsync("UserDisabled", since, r => r.Object == name);
        await OneAsync("UserEnabled", since, r => r.Object == name);
        await OneAsync("PasswordReset", since, r => r.Object == name);

        // Sign-in, a failure, a password change and sign-out through the sign-in service the web app uses.
        var signIn = fx.Factory.Services.GetRequiredService<SignInService>();
        var failed = await signIn.SignInAsync(name, "wrong-Password1!", "10.0.0.9", CancellationToken.None);
        Assert.False(failed.Succeeded);
        var ok = await signIn.SignInAsync(name, resetPassword, "10.0.0.9", CancellationToken.None);
        Assert.True(ok.Succeeded, ok.Message);
        var newPassword = "Nw8#" + Guid.NewGuid().ToString("N");
        Assert.True((await signIn.ChangePasswordAsync(ok.Ticket!.Token, resetPassword, newPassword, "10.0.0.9", CancellationToken.None)).Succeeded);
        await signIn.SignOutAsync(ok.Ticket.Token, "10.0.0.9", CancellationToken.None);
        Assert.Equal("Failure", (await OneAsync("SignInFailed", since, r => r.User == name)).Result);
        await OneAsync("SignIn", since, r => r.User == name);
        await OneAsync("PasswordChanged", since, r => r.User == name || r.Object == name);
        await OneAsync("SignOut", since, r => r.User == name);

        // An API key issued and revoked by its owner.
        var keyStore = fx.Factory.Services.GetRequiredService<Dashboard.Security.ApiKeys.ApiKeyStore>();
        var key = await keyStore.CreateAsync(userId, "Excel", Dashboard.Security.Audit.Actor.Console("test"), CancellationToken.None);
        using var owner = fx.Factory.CreateClient();
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        using var revoked = await owner.DeleteAsync(new Uri($"/api/me/api-keys/{key.Info.Id}", UriKind.Relative));
        Assert.Equal(204, (int)revoked.StatusCode);
        await OneAsync("ApiKeyCreated", since, r => r.Detail.Contains(key.Info.Id, StringComparison.Ordinal));
        await OneAsync("ApiKeyRevoked", since, r => r.Detail.Contains(key.Info.Id, StringComparison.Ordinal));

        // No secret anywhere in the trail: not the one-time passwords, the new password, the key or the session token.
        // Every page of the trail since the test began (tests running beside this one add hundreds of events).
        var pages = new List<string>();
        for (string? next = $"/odata/AuditEvents?$filter=Time ge {since:yyyy-MM-ddTHH:mm:ss}Z"; next is not null;)
        {
            var page = await fx.GetJsonAsync(Role.AuditAdmin, next);
            pages.Add(page.GetProperty("value").GetRawText());
            next = page.TryGetProperty("@odata.nextLink", out var link) ? new Uri(link.GetString()!).PathAndQuery : null;
        }
        var all = string.Concat(pages);
        foreach (var secret in new[] { oneTime, resetPassword, newPassword, key.Key, ok.Ticket.Token })
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        Assert.Contains(name, all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_lockout_is_recorded()
    {
        var since = Since();
        var users = fx.Factory.Services.GetRequiredService<UserStore>();
        var name = "lock-" + Guid.NewGuid().ToString("N")[..6];
        var created = await users.CreateAsync(new NewUser(name, "锁定", [Role.Leader], [Own]), Dashboard.Security.Audit.Actor.Console("test"), CancellationToken.None);
        var signIn = fx.Factory.Services.GetRequiredService<SignInService>();
        for (var i = 0; i < 5; i++) Assert.False((await signIn.SignInAsync(name, "Wrong#Pass" + i, "10.0.0.8", CancellationToken.None)).Succeeded);
        // Locked: even the right password is refused, with the same message as any failure.
        var locked = await signIn.SignInAsync(name, created.OneTimePassword, "10.0.0.8", CancellationToken.None);
        Assert.False(locked.Succeeded);
        Assert.Equal(SignInService.GenericFailure, locked.Message);
        await OneAsync("Lockout", since, r => r.User == name);
    }

    [Fact]
    public async Task OData_is_rate_limited_per_caller_with_retry_after()
    {
        await using var factory = new ApiFactory(fx.Factory.ConnectionString, new Dictionary<string, string?> { ["RateLimits:ODataPerMinute"] = "3" });
        using var client = await factory.ClientAsAsync(Role.Leader, "331000");
        var statuses = new List<int>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last?.Dispose();
            last = await client.GetAsync(new Uri("/odata/Indicators?$top=1", UriKind.Relative));
            statuses.Add((int)last.StatusCode);
        }
        Assert.Equal([200, 200, 200, 429, 429], statuses);
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        last.Dispose();
    }
}
