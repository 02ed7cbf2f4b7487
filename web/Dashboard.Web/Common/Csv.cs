using System.Text;

namespace Dashboard.Web.Common;

/// <summary>CSV downloads of a <see cref="DataTable"/>, safe to open in Excel or WPS.</summary>
public static class Csv
{
    /// <summary>
    /// RFC 4180 CSV, UTF-8 with BOM (Excel otherwise reads Chinese as GBK). A cell that a spreadsheet would
    /// treat as a formula (starting with = + - @, tab or CR) gets a leading apostrophe, so data from a
    /// district system cannot run as a formula on a leader's machine (CSV/formula injection).
    /// </summary>
    public static byte[] Write(DataTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sb = new StringBuilder();
        sb.AppendJoin(',', table.Columns.Select(c => Field(c.Title))).Append("\r\n");
        foreach (var row in table.View)
            sb.AppendJoin(',', row.Select(c => Field(c.Text))).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    /// <summary>One field, neutralised and quoted as needed.</summary>
    public static string Field(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.IndexOfAny(['"', ',', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
