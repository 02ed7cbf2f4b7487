namespace Dashboard.Reports;

/// <summary>Report settings (configuration section "Reports").</summary>
public sealed class ReportOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Reports";

    /// <summary>Days after the report date by which lagging regions report their rectification (default 30).</summary>
    public int RectificationDays { get; set; } = 30;

    /// <summary>The issuing office printed at the head; {0} is the city's name.</summary>
    public string IssuingOfficeFormat { get; set; } = "{0}教育督导联席会议办公室";

    /// <summary>The cities (issuing regions) the jobs host reports on by schedule; empty: no scheduled reports.</summary>
    public IList<string> Cities { get; } = [];

    /// <summary>
    /// When the scheduled reports run, a Quartz cron in China Standard Time (default 06:00 on the 1st of each
    /// month). Each run reports as of the day before its scheduled time: the previous month's last day by default.
    /// </summary>
    public string Cron { get; set; } = "0 0 6 1 * ?";

    /// <summary>Where new bulletins are mailed; no mail is sent while <see cref="SmtpOptions.Host"/> is empty.</summary>
    public SmtpOptions Smtp { get; set; } = new();
}

/// <summary>The mail server new bulletins are sent through (configuration section "Reports:Smtp").</summary>
public sealed class SmtpOptions
{
    /// <summary>The server's host name or address; empty (the default) sends no mail.</summary>
    public string Host { get; set; } = "";

    /// <summary>The server's port (default 25).</summary>
    public int Port { get; set; } = 25;

    /// <summary>The sender address.</summary>
    public string From { get; set; } = "";

    /// <summary>The recipients (the report office's mailbox or list).</summary>
    public IList<string> To { get; } = [];

    /// <summary>Use STARTTLS (default false: an internal relay).</summary>
    public bool EnableSsl { get; set; }

    /// <summary>Account name for servers that require authentication; empty: none.</summary>
    public string UserName { get; set; } = "";

    /// <summary>Its password (a secret: give it through the environment, never log it).</summary>
    public string Password { get; set; } = "";

    /// <summary>Gives up on the server after this many seconds (default 30).</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>True when a host, a sender and at least one recipient are set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host) && !string.IsNullOrWhiteSpace(From) && To.Any(t => !string.IsNullOrWhiteSpace(t));
}
