namespace Dashboard.Web.Common;

/// <summary>Links to a number's lineage (the observations behind it, their sources and pull runs).</summary>
public static class Lineage
{
    public static string Url(string regionCode, string indicatorCode, DateOnly? period, DateOnly asOf) =>
        $"/Regions/Lineage?code={Uri.EscapeDataString(regionCode)}&indicator={Uri.EscapeDataString(indicatorCode)}"
        + (period is { } p ? "&period=" + AsOf.Text(p) : "") + "&asOf=" + AsOf.Text(asOf);
}
