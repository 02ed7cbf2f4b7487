using System.Text;
using DistrictSimulator;
using DistrictSimulator.Admin;
using DistrictSimulator.Faults;
using DistrictSimulator.Feed;
using DistrictSimulator.Sources;

// GB18030 for the CSV files Chinese Excel users expect.
Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

var builder = WebApplication.CreateBuilder(args);
// One line per request from the framework is noise here; the simulator logs its faults itself.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddProblemDetails();
builder.Services.Configure<SimulatorOptions>(builder.Configuration.GetSection(SimulatorOptions.Section));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<SimulatorState>();
builder.Services.AddSingleton<FaultRegistry>();
builder.Services.AddSingleton<SourceAuth>();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

try
{
    await SimulatorStartup.InitializeAsync(app, app.Lifetime.ApplicationStopping);
}
catch (InvalidOperationException e)
{
    // The message names the setting to fix; it never holds a secret.
    app.Logger.LogCritical("District simulator cannot start: {Reason}", e.Message);
    throw;
}

app.MapSources();
app.MapFeed();
app.MapAdmin();

await app.RunAsync();

/// <summary>Entry point, public so integration tests can host the simulator.</summary>
public partial class Program;
