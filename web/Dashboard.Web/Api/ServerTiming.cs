using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Web.Api;

/// <summary>Configuration section <c>Diagnostics</c>.</summary>
public sealed class DiagnosticsOptions
{
    /// <summary>
    /// Adds a <c>Server-Timing</c> header to every page: the web's own time to the headers and the time spent in api
    /// calls (their sum and number). Off by default (it tells any signed-in user how long the api takes); the web
    /// benchmark turns it on to split a page's server time between the web and the api.
    /// </summary>
    public bool ServerTiming { get; set; }
}

/// <summary>The api calls of one request: their number and summed duration (calls may overlap, so the sum can exceed the wall time).</summary>
public sealed class ApiCallTimes
{
    private long _ticks;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public TimeSpan Total => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _ticks));

    public void Add(long stopwatchTicks)
    {
        Interlocked.Add(ref _ticks, stopwatchTicks);
        Interlocked.Increment(ref _count);
    }

    internal static readonly object Key = new();
}

/// <summary>Times each api call of the current request, including reading its body, into <see cref="ApiCallTimes"/>.</summary>
public sealed class ApiTimingHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext?.Items[ApiCallTimes.Key] is not ApiCallTimes times) return await base.SendAsync(request, cancellationToken);
        var start = Stopwatch.GetTimestamp();
        var response = await base.SendAsync(request, cancellationToken);
        // Buffered here (HttpClient would buffer it next anyway) so the body's transfer counts as api time.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        times.Add(Stopwatch.GetTimestamp() - start);
        return response;
    }
}

public static class ServerTiming
{
    /// <summary>When <see cref="DiagnosticsOptions.ServerTiming"/> is on: <c>Server-Timing: app;dur=…, api;dur=…;desc="n calls"</c>.</summary>
    public static IApplicationBuilder UseServerTiming(this IApplicationBuilder app, bool enabled) => !enabled ? app : app.Use(async (context, next) =>
    {
        var start = Stopwatch.GetTimestamp();
        var times = new ApiCallTimes();
        context.Items[ApiCallTimes.Key] = times;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture,
                $"app;dur={Stopwatch.GetElapsedTime(start).TotalMilliseconds:F1}, api;dur={times.Total.TotalMilliseconds:F1};desc=\"{times.Count} calls\"");
            return Task.CompletedTask;
        });
        await next(context);
    });
}
