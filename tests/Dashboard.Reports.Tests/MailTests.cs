using System.Net;
using System.Net.Sockets;
using System.Text;
using Dashboard.Reports.Delivery;
using Dashboard.Reports.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Reports.Tests;

/// <summary>
/// A tiny SMTP server on a loopback port that accepts every message and records it: enough of RFC 5321
/// (EHLO, MAIL, RCPT, DATA, QUIT) for SmtpClient, with async IO throughout.
/// </summary>
internal sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<string> _messages = [];
    private readonly Lock _gate = new();

    public FakeSmtpServer()
    {
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections { get; private set; }

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_gate) return _messages.ToList();
        }
    }

    public List<string> Recipients { get; } = [];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return; // disposed
            }
            Connections++;
            using (client) await ServeAsync(client, _stop.Token);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 fake.test ESMTP".AsMemory(), ct);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" or "HELO":
                    await writer.WriteLineAsync("250 fake.test".AsMemory(), ct);
                    break;
                case "RCPT":
                    lock (_gate) Recipients.Add(line);
                    await writer.WriteLineAsync("250 OK".AsMemory(), ct);
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>".AsMemory(), ct);
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(ct) is { } d && d != ".") data.Append(d).Append("\r\n");
                    lock (_gate) _messages.Add(data.ToString());
                    await writer.WriteLineAsync("250 queued".AsMemory(), ct);
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye".AsMemory(), ct);
                    return;
                default:
                    await writer.WriteLineAsync("250 OK".AsMemory(), ct);
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}

[Collection(ReportTests.Name)]
public sealed class MailTests(ReportsFixture fx)
{
    private static ReportOptions Options(int port) => new()
    {
        Smtp = { Host = "127.0.0.1", Port = port, From = "dashboard@jyj.example.cn", To = { "dbb@jyj.example.cn", "lxhy@jyj.example.cn" }, TimeoutSeconds = 10 },
    };

    [Fact]
    public async Task A_new_bulletin_is_mailed_with_its_files_when_a_server_is_configured()
    {
        await using var smtp = new FakeSmtpServer();
        var city = await City.HandWorkedAsync(fx, "M01");
        var options = Options(smtp.Port);
        var service = fx.Service("2023-07-03T02:00:00Z", options);
        var publisher = new ReportPublisher(service, new NotificationStore(fx.Database), new ReportMailer(Microsoft.Extensions.Options.Options.Create(options)));

        var published = await publisher.PublishAsync(city.Code, new DateOnly(2023, 7, 1), "test-job", CancellationToken.None);

        Assert.True(published.Mail.Sent, published.Mail.Error);
        var message = Assert.Single(smtp.Messages);
        Assert.Equal(2, smtp.Recipients.Count);
        Assert.Contains("<dbb@jyj.example.cn>", smtp.Recipients[0], StringComparison.Ordinal);
        // Headers are MIME-encoded: decode the subject the way a mail reader would.
        var lines = message.Split("\r\n");
        var at = Array.FindIndex(lines, l => l.StartsWith("Subject:", StringComparison.Ordinal));
        // A long header is folded over lines that start with whitespace.
        var subject = string.Join(" ", lines.Skip(at).TakeWhile((l, i) => i == 0 || l.StartsWith(' ') || l.StartsWith('\t')))["Subject:".Length..].Trim();
        Assert.Equal(ReportMailer.Subject(published.Report.Snapshot), DecodeHeader(subject));
        Assert.StartsWith("新督导通报已生成：", DecodeHeader(subject), StringComparison.Ordinal);
        Assert.Contains("From: dashboard@jyj.example.cn", message, StringComparison.Ordinal);
        var docx = published.Report.Files.Single(f => f.Format == ReportFormat.Docx);
        var xlsx = published.Report.Files.Single(f => f.Format == ReportFormat.Xlsx);
        // The attachments travel base64 in lines: joined, each file's bytes are there whole.
        var joined = message.Replace("\r\n", "", StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(docx.Content), joined, StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(xlsx.Content), joined, StringComparison.Ordinal);
        Assert.Contains("application/vnd.openxmlformats-officedocument.wordprocessingml.document", message, StringComparison.Ordinal);

        // The notice for the report office is stored beside it.
        var notices = await new NotificationStore(fx.Database).ListAsync("someone", ["ReportOffice"], [city.Code], 10, CancellationToken.None);
        var notice = Assert.Single(notices);
        Assert.Equal(published.Report.Snapshot.Id, notice.Notification.ReportId);
        Assert.Null(notice.ReadAt);
    }

    [Fact]
    public async Task No_mail_is_sent_without_a_configured_server()
    {
        await using var smtp = new FakeSmtpServer();
        var city = await City.HandWorkedAsync(fx, "M02");
        var options = new ReportOptions(); // Reports:Smtp:Host unset
        var service = fx.Service("2023-07-03T02:00:00Z", options);
        var publisher = new ReportPublisher(service, new NotificationStore(fx.Database), new ReportMailer(Microsoft.Extensions.Options.Options.Create(options)));

        var published = await publisher.PublishAsync(city.Code, new DateOnly(2023, 7, 1), "test-job", CancellationToken.None);

        Assert.Equal(MailOutcome.NotConfigured, published.Mail);
        Assert.Equal(0, smtp.Connections);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_leaves_the_report_stored_and_says_why()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var city = await City.HandWorkedAsync(fx, "M03");
        var options = Options(port);
        var publisher = new ReportPublisher(fx.Service("2023-07-03T02:00:00Z", options), new NotificationStore(fx.Database),
            new ReportMailer(Microsoft.Extensions.Options.Options.Create(options)));

        var published = await publisher.PublishAsync(city.Code, new DateOnly(2023, 7, 1), "test-job", CancellationToken.None);

        Assert.False(published.Mail.Sent);
        Assert.False(published.Mail.Skipped);
        Assert.False(string.IsNullOrEmpty(published.Mail.Error));
        Assert.NotNull(await fx.Store().GetAsync(published.Report.Snapshot.Id, CancellationToken.None));
    }

    // =?utf-8?B?…?= words, possibly several separated by whitespace or folded lines.
    private static string DecodeHeader(string header) =>
        string.Concat(header.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(word =>
        {
            var m = System.Text.RegularExpressions.Regex.Match(word, @"^=\?utf-8\?([BQ])\?(.*)\?=$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            if (!m.Success) return word;
            return m.Groups[1].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
                ? Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[2].Value))
                : throw new InvalidDataException("Q encoding not expected: " + word);
        }));
}
