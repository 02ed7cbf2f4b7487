using System.Collections.Concurrent;
using Dashboard.Reports.Render;
using Dashboard.Reports.Storage;

namespace Dashboard.Reports.Delivery;

/// <summary>A bulletin generated and delivered.</summary>
/// <param name="Report">The stored report and its files.</param>
/// <param name="Notification">The notice the report office sees in the app.</param>
/// <param name="Mail">How mailing it went.</param>
public sealed record PublishedReport(GeneratedReport Report, Notification Notification, MailOutcome Mail);

/// <summary>
/// Generates a bulletin and delivers it: stored (the report office's archive), a notice in the app for the
/// ReportOffice role within the city, and a mail when a server is configured. Both hosts publish through it.
/// </summary>
public sealed class ReportPublisher(ReportService reports, NotificationStore notifications, ReportMailer mailer)
{
    /// <summary>The role whose users are told about new bulletins.</summary>
    public const string AnnouncedTo = "ReportOffice";

    // One generation per city at a time in this process: the number is read, then the report stored, and
    // ClickHouse has no unique key to stop two generations taking the same number.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _cities = new(StringComparer.Ordinal);

    /// <summary>Generates, stores, announces and mails the city's bulletin as of <paramref name="asOf"/>.</summary>
    /// <exception cref="KeyNotFoundException">The city does not exist.</exception>
    /// <exception cref="ReportExistsException">Another process took the number twice in a row.</exception>
    public async Task<PublishedReport> PublishAsync(string cityCode, DateOnly asOf, string generatedBy, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cityCode);
        var gate = _cities.GetOrAdd(cityCode, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        GeneratedReport report;
        try
        {
            report = await GenerateWithRetryAsync(cityCode, asOf, generatedBy, ct);
        }
        finally
        {
            gate.Release();
        }
        var s = report.Snapshot;
        var notice = new Notification(Guid.NewGuid().ToString("N"), s.GeneratedAt, AnnouncedTo, s.CityCode, NotificationStore.ReportGenerated,
            ReportMailer.Subject(s), ReportText.Summary(s), s.Id);
        // The report is stored whatever happens next: announce it even when the caller has gone.
        await notifications.AddAsync(notice, CancellationToken.None);
        var mail = await mailer.SendAsync(report, CancellationToken.None);
        return new PublishedReport(report, notice, mail);
    }

    private async Task<GeneratedReport> GenerateWithRetryAsync(string cityCode, DateOnly asOf, string generatedBy, CancellationToken ct)
    {
        try
        {
            return await reports.GenerateAsync(cityCode, asOf, generatedBy, ct);
        }
        catch (ReportExistsException)
        {
            // Another process (the api or the jobs host) stored this number between our read and our write:
            // the next attempt reads the new highest number.
            return await reports.GenerateAsync(cityCode, asOf, generatedBy, ct);
        }
    }
}
