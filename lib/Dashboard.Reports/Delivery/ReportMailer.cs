using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Dashboard.Reports.Render;
using Dashboard.Reports.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Reports.Delivery;

/// <summary>How mailing a bulletin went.</summary>
/// <param name="Sent">The server accepted the message.</param>
/// <param name="Skipped">No mail server is configured, so nothing was tried.</param>
/// <param name="Error">Why the server did not take it, when it did not.</param>
public sealed record MailOutcome(bool Sent, bool Skipped, string? Error)
{
    /// <summary>Nothing was tried: no mail server is configured.</summary>
    public static readonly MailOutcome NotConfigured = new(false, true, null);
}

/// <summary>
/// Mails a new bulletin (the DOCX and XLSX attached) to the report office when <c>Reports:Smtp</c> names a server.
/// Uses <see cref="SmtpClient"/>: plain SMTP with optional STARTTLS and login is all an internal relay needs.
/// </summary>
public sealed class ReportMailer(IOptions<ReportOptions> options)
{
    /// <summary>Sends the message; a server that refuses or cannot be reached gives an outcome with the reason, not an exception.</summary>
    public async Task<MailOutcome> SendAsync(GeneratedReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        var smtp = options.Value.Smtp;
        if (!smtp.IsConfigured) return MailOutcome.NotConfigured;
        using var message = Compose(report, smtp);
        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            EnableSsl = smtp.EnableSsl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = smtp.TimeoutSeconds * 1000,
        };
        if (smtp.UserName.Length > 0) client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        try
        {
            await client.SendMailAsync(message, ct);
            return new MailOutcome(true, false, null);
        }
        catch (Exception e) when (e is SmtpException or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // The bulletin is stored and announced in the app already: a mail failure must not undo that.
            return new MailOutcome(false, false, e.GetBaseException().Message);
        }
    }

    /// <summary>The message for a bulletin: subject, a plain-text body with the summary, the DOCX and XLSX attached.</summary>
    public static MailMessage Compose(GeneratedReport report, SmtpOptions smtp)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(smtp);
        var s = report.Snapshot;
        var message = new MailMessage
        {
            From = new MailAddress(smtp.From),
            Subject = Subject(s),
            SubjectEncoding = Encoding.UTF8,
            Body = $"{ReportText.Title(s)}\n{s.NumberLabel}  {s.IssuingOffice}  {ReportText.Date(s.ReportDate)}\n\n{ReportText.Summary(s)}\n\n报告编号：{s.Id}\n内容校验（SHA-256）：{s.ContentHash}\n",
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = false,
        };
        foreach (var to in smtp.To.Where(t => !string.IsNullOrWhiteSpace(t))) message.To.Add(to.Trim());
        foreach (var file in report.Files.Where(f => f.Format is ReportFormat.Docx or ReportFormat.Xlsx))
        {
            // The stream belongs to the attachment, which the message disposes.
            var attachment = new Attachment(new MemoryStream(file.Content, writable: false), file.FileName, file.ContentType);
            attachment.NameEncoding = Encoding.UTF8;
            attachment.ContentDisposition!.FileName = file.FileName;
            attachment.ContentDisposition.DispositionType = DispositionTypeNames.Attachment;
            message.Attachments.Add(attachment);
        }
        return message;
    }

    /// <summary>The subject line: 新督导通报已生成：台州市〔2026〕第3期（截至2026年10月31日）.</summary>
    public static string Subject(Snapshot.ReportSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return $"新督导通报已生成：{snapshot.CityName}{snapshot.NumberLabel}（{snapshot.PeriodLabel}）";
    }
}
