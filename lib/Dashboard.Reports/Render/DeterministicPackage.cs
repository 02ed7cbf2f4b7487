using System.IO.Compression;

namespace Dashboard.Reports.Render;

/// <summary>
/// Rewrites an OpenXML package (a zip) so the same snapshot gives the same bytes: System.IO.Packaging
/// stamps every zip entry with the current time, which the SDK offers no way to set.
/// </summary>
internal static class DeterministicPackage
{
    public static byte[] Normalise(byte[] package, DateTime timestampUtc)
    {
        // Zip times are local-less DOS times with a 1980 floor; a report's generation time is always later.
        var stamp = new DateTimeOffset(DateTime.SpecifyKind(timestampUtc, DateTimeKind.Unspecified), TimeSpan.Zero);
        using var input = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            // [Content_Types].xml first, as Office writes it; the rest by name so part order cannot vary.
            foreach (var entry in input.Entries.OrderBy(e => e.FullName == "[Content_Types].xml" ? 0 : 1).ThenBy(e => e.FullName, StringComparer.Ordinal))
            {
                var copy = zip.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = stamp;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }
        return output.ToArray();
    }
}
