using Dashboard.Api.Health;

var builder = WebApplication.CreateBuilder(args);

builder.Services.Configure<ClickHouseOptions>(builder.Configuration.GetSection("ClickHouse"));
builder.Services.AddProblemDetails();
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(o =>
{
    o.SwaggerDoc("v1", new() { Title = "教育督导分析平台 API", Version = "v1", Description = "REST part of the education-supervision analytics platform; the OData service lives at /odata." });
    var xml = Path.Combine(AppContext.BaseDirectory, "Dashboard.Api.xml");
    if (File.Exists(xml)) o.IncludeXmlComments(xml);
});

var app = builder.Build();

// Unhandled errors become RFC 7807 ProblemDetails without stack traces; status codes without a body get one too.
app.UseExceptionHandler();
app.UseStatusCodePages();

app.UseSwagger();
app.UseSwaggerUI(o => o.DocumentTitle = "教育督导分析平台 API");

app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();
app.MapHealth();

await app.RunAsync();

/// <summary>Entry point, public so integration tests can host the api.</summary>
public partial class Program;
