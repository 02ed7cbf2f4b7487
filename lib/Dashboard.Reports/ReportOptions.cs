namespace Dashboard.Reports;

/// <summary>Report settings (configuration section "Reports").</summary>
public sealed class ReportOptions
{
    /// <summary>Days after the report date by which lagging regions report their rectification (default 30).</summary>
    public int RectificationDays { get; set; } = 30;

    /// <summary>The issuing office printed at the head; {0} is the city's name.</summary>
    public string IssuingOfficeFormat { get; set; } = "{0}教育督导联席会议办公室";
}
