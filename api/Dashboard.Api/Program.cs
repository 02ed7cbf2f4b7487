using System.Text.Json.Serialization;
using Dashboard.Api.Health;
using Dashboard.Api.OData;
using Dashboard.Api.Reports;
using Dashboard.Api.Runs;
using Dashboard.Api.Security;
using Dashboard.Api.Shared;
using Dashboard.Api.Sources;
using Dashboard.Api.Targets;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Api.Uploads;

var builder = WebApplication.CreateBuilder(args);

builder.Services.Configure<ClickHouseOptions>(builder.Configuration.GetSection("ClickHouse"));
builder.Services.AddIngestion(builder.Configuration);
builder.Services.AddODataService(builder.Configuration);
builder.Services.AddSingleton<TargetStore>();
builder.Services.AddSingleton<OverrideStore>();
builder.Services.AddApiSecurity(builder.Configuration);
builder.Services.AddReports(builder.Configuration);
builder.Services.AddProblemDetails();
// JSON is camelCase (the web default); enums travel as their names (Status "Succeeded", Kind "Http").
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(o =>
{
    o.SwaggerDoc("v1", new() { Title = "教育督导分析平台 API", Version = "v1", Description = "REST part of the education-supervision analytics platform; the OData service lives at /odata." });
    // The api's and the domain's XML docs describe the response types (and give examples).
    foreach (var xml in Directory.EnumerateFiles(AppContext.BaseDirectory, "Dashboard.*.xml")) o.IncludeXmlComments(xml);
    o.SupportNonNullableReferenceTypes();
    o.OperationFilter<IntegerQueryOperationFilter>();
    o.OperationFilter<FileUploadOperationFilter>();
    o.AddSecurityDefinition("Bearer", new Microsoft.OpenApi.OpenApiSecurityScheme
    {
        Type = Microsoft.OpenApi.SecuritySchemeType.Http,
        Scheme = "bearer",
        Description = "A personal API key (dsk_…, from POST /api/me/api-keys) or a web session token. Every operation except /health needs one.",
    });
    o.AddSecurityRequirement(doc => new Microsoft.OpenApi.OpenApiSecurityRequirement { [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("Bearer", doc)] = [] });
});

var app = builder.Build();

// Unhandled errors become RFC 7807 ProblemDetails without stack traces; status codes without a body get one too.
app.UseExceptionHandler();
app.UseStatusCodePages();

app.UseSecurityHeaders();
app.UseSwagger();
app.UseSwaggerUI(o => o.DocumentTitle = "教育督导分析平台 API");
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription().AllowAnonymous();
app.MapHealth();
app.MapSources();
app.MapRuns();
app.MapUploads();
app.MapTargets();
app.MapOverrides();
app.MapOData();
app.MapAccounts();
app.MapReports();
app.MapNotifications();

await app.MigrateOperationalStoreAsync(app.Lifetime.ApplicationStopping);
await app.RunAsync();

/// <summary>Entry point, public so integration tests can host the api.</summary>
public partial class Program;
