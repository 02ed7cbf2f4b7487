using Dashboard.Data.Storage;
using Dashboard.Security;
using Dashboard.Security.Store;
using Dashboard.Web.Api;
using Dashboard.Web.Health;
using Dashboard.Web.Security;
using Microsoft.AspNetCore.Authentication;

var builder = WebApplication.CreateBuilder(args);

// Sign-in, sessions, cases and accounts live in the operational store (section Security). The audit sink
// of lib/Dashboard.Security writes the web's own events (sign-in, accounts, cases, CSV exports) to ClickHouse's
// audit_log: that append is the web's only ClickHouse use. Nothing is read from there: every number and the
// audit trail itself come through the api, as the signed-in user.
builder.Services.AddSingleton(_ => new ClickHouseDatabase(builder.Configuration.GetConnectionString("ClickHouse")
    ?? throw new InvalidOperationException("ConnectionStrings:ClickHouse is required for the audit trail.")));
builder.Services.AddDashboardSecurity(builder.Configuration);

builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection("Api"))
    .Validate(o => o.BaseUrl is { IsAbsoluteUri: true }, "Api:BaseUrl must be an absolute URL of the api.").ValidateOnStart();
builder.Services.AddHttpContextAccessor();
builder.Services.AddTransient<SessionTokenHandler>();
builder.Services.AddTransient<ApiTimingHandler>();
var diagnostics = builder.Configuration.GetSection("Diagnostics").Get<DiagnosticsOptions>() ?? new DiagnosticsOptions();
builder.Services.AddHttpClient<ApiClient>((sp, http) =>
{
    var baseUrl = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiOptions>>().Value.BaseUrl!;
    http.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
    http.Timeout = TimeSpan.FromSeconds(60);
}).AddHttpMessageHandler<SessionTokenHandler>().AddHttpMessageHandler<ApiTimingHandler>();

builder.Services.AddWebHealth();
builder.Services.AddMemoryCache();
builder.Services.AddWebRateLimits(builder.Configuration);

builder.Services.AddAuthentication(SessionDefaults.Scheme)
    .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionDefaults.Scheme, null);
builder.Services.AddAuthorization(o =>
{
    Policies.Add(o);
    o.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
});
// Chinese text goes out as characters, not as &#x…; entities (the default encoder allows only Basic Latin):
// a third of the bytes and readable in "view source". Markup characters are still encoded everywhere.
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
    o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
builder.Services.AddRazorPages(o =>
{
    // Deny by default: every page needs a signed-in user, then its folder's role policy.
    o.Conventions.AuthorizeFolder("/");
    o.Conventions.AllowAnonymousToPage("/Account/SignIn");
    o.Conventions.AllowAnonymousToPage("/Error");
    o.Conventions.AuthorizeFolder("/Overview", Policies.ReadDashboards);
    o.Conventions.AuthorizeFolder("/Regions", Policies.ReadDashboards);
    o.Conventions.AuthorizeFolder("/Reports", Policies.ReadReports);
    o.Conventions.AuthorizePage("/Targets/View", Policies.ReadDashboards);
    o.Conventions.AuthorizePage("/Targets/Index", Policies.ReadRuns);
    o.Conventions.AuthorizeFolder("/Runs", Policies.ReadRuns);
    o.Conventions.AuthorizeFolder("/Data", Policies.OperateData);
    o.Conventions.AuthorizeFolder("/Audit", Policies.ReadAudit);
    o.Conventions.AuthorizeFolder("/Users", Policies.ManageUsers);
    o.Conventions.AuthorizePage("/Targets/Edit", Policies.EditTargets);
});
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = "dashboard_af";
    o.Cookie.SameSite = SameSiteMode.Strict;
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});

var app = builder.Build();

// The operational store's schema is applied (idempotently) before the first request.
await app.Services.GetRequiredService<StoreMigrator>().MigrateAsync(CancellationToken.None);

app.UseServerTiming(diagnostics.ServerTiming);
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
    app.UseHsts();
}
app.UseStatusCodePagesWithReExecute("/Error", "?code={0}");
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
// After authentication, so exports are counted per user.
app.UseRateLimiter();
app.UseMustChangePassword();
app.UseAuthorization();
app.MapRazorPages();
app.MapWebHealth();

await app.RunAsync();

/// <summary>Entry point, public so browser tests can host the web.</summary>
public partial class Program;
