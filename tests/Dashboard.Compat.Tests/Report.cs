using System.Text;

namespace Dashboard.Compat.Tests;

/// <summary>Failure messages that name the corpus item, the engine's error and every statement sent for it.</summary>
public static class Report
{
    /// <summary>Describes a failed corpus item.</summary>
    public static string Failure(string item, Outcome outcome)
    {
        var sb = new StringBuilder().Append(item).Append(" failed on chDB: ").AppendLine(outcome.Error?.Message);
        foreach (var s in outcome.Statements)
        {
            sb.AppendLine(s.Error is null ? "--- ran:" : "--- REFUSED: " + s.Error);
            sb.AppendLine(s.Sql.Length > 4000 ? s.Sql[..4000] + " …" : s.Sql);
        }
        return sb.ToString();
    }

    /// <summary>Fails with both results side by side when 18.16 and chDB answer differently.</summary>
    public static void AssertSameRows(string item, IReadOnlyList<string> reference, IReadOnlyList<string> modern)
    {
        if (reference.SequenceEqual(modern, StringComparer.Ordinal)) return;
        var sb = new StringBuilder().Append(item).AppendLine(" answers differently on ClickHouse 18.16 and on chDB.");
        sb.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"--- 18.16 ({reference.Count} rows):");
        foreach (var r in reference.Take(40)) sb.AppendLine(r);
        sb.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"--- chDB ({modern.Count} rows):");
        foreach (var r in modern.Take(40)) sb.AppendLine(r);
        Assert.Fail(sb.ToString());
    }
}
