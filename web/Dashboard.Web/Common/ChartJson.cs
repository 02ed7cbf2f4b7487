using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dashboard.Web.Common;

/// <summary>JSON for the chart blocks: camelCase, and HTML-sensitive characters escaped so a region name cannot close the script element.</summary>
public static class ChartJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Default,
    };
}
