using System.Globalization;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Dashboard.Data.Ingestion;

/// <summary>Limits on a file before anything of it is loaded.</summary>
public sealed class FileFeedOptions
{
    /// <summary>Largest file accepted (default 50 MiB).</summary>
    public long MaxBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Most data rows accepted (default 500,000).</summary>
    public int MaxRows { get; set; } = 500_000;

    /// <summary>Largest total uncompressed size of an XLSX's parts (default 200 MiB): a zip bomb is refused before it is unpacked.</summary>
    public long MaxUncompressedBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Largest compression ratio of one XLSX part (default 200).</summary>
    public int MaxCompressionRatio { get; set; } = 200;

    /// <summary>Rows per batch handed to the ingestion session (default 5,000).</summary>
    public int BatchSize { get; set; } = 5000;
}

/// <summary>A file refused as a whole (nothing of it was loaded): the message says why, for the uploader.</summary>
public sealed class FileFeedException(string message) : Exception(message);

/// <summary>
/// Reads the district feed's file form (shared/contracts/district-feed.md): CSV in UTF-8 with or without
/// BOM or in GB18030, or XLSX (first worksheet), with the contract's header in the first row. Every check
/// that refuses a whole file (size, header, row count, XLSX expansion) runs before the first batch is
/// returned, so a refused file loads nothing and an accepted one is loaded row by row.
/// </summary>
public static class FileFeedReader
{
    static FileFeedReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Reads a file whose kind is told by its name (.csv or .xlsx); the stream must be seekable.</summary>
    public static IReadOnlyList<IReadOnlyList<FeedRow>> Read(Stream file, string fileName, FileFeedOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        if (!file.CanSeek) throw new ArgumentException("The file stream must be seekable.", nameof(file));
        if (file.Length > options.MaxBytes) throw new FileFeedException($"文件大小 {file.Length:N0} 字节超过上限 {options.MaxBytes:N0} 字节。");
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var rows = extension switch
        {
            ".csv" => ReadCsv(file),
            ".xlsx" => ReadXlsx(file, options),
            _ => throw new FileFeedException($"不支持的文件类型 {extension}：请上传 .csv 或 .xlsx 文件。"),
        };
        if (rows.Count == 0) throw new FileFeedException("文件为空：第1行应为表头 " + string.Join(',', FeedRow.Columns) + "。");
        CheckHeader(rows[0]);
        if (rows.Count - 1 > options.MaxRows) throw new FileFeedException($"文件有 {rows.Count - 1:N0} 行数据，超过上限 {options.MaxRows:N0} 行。");
        // Row numbers are the file's line (CSV) or row (XLSX) numbers: the header is row 1.
        var feedRows = rows.Skip(1).Select((cells, i) => FeedRow.FromCells(i + 2, cells)).ToList();
        return feedRows.Chunk(options.BatchSize).Select(c => (IReadOnlyList<FeedRow>)c).ToList();
    }

    private static void CheckHeader(IReadOnlyList<string?> header)
    {
        // The contract's columns come first, in order; columns after them are ignored, as unknown JSON fields are.
        var names = header.Select(h => (h ?? "").Trim().TrimStart('\uFEFF')).ToList();
        if (names.Count < FeedRow.Columns.Length || !names.Take(FeedRow.Columns.Length).SequenceEqual(FeedRow.Columns, StringComparer.OrdinalIgnoreCase))
            throw new FileFeedException($"第1行表头应为 {string.Join(',', FeedRow.Columns)}，实际为 {string.Join(',', names)}。");
    }

    private static List<IReadOnlyList<string?>> ReadCsv(Stream file)
    {
        using var buffer = new MemoryStream();
        file.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        string text;
        if (bytes.StartsWith("\uFEFF"u8)) text = Encoding.UTF8.GetString(bytes[3..]);
        else
        {
            // Chinese Excel saves CSV as GB18030 by default: a file that is not valid UTF-8 is read as GB18030.
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                text = Encoding.GetEncoding("GB18030").GetString(bytes);
            }
        }
        return ParseCsv(text);
    }

    /// <summary>RFC 4180: comma-separated, fields in double quotes may hold commas, quotes ("") and line breaks; CRLF or LF.</summary>
    internal static List<IReadOnlyList<string?>> ParseCsv(string text)
    {
        var rows = new List<IReadOnlyList<string?>>();
        var row = new List<string?>();
        var field = new StringBuilder();
        var quoted = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                if (c == '"') { quoted = false; i++; continue; }
                field.Append(c);
                i++;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r' or '\n':
                    // A blank line is not a row: skipped here rather than collected and removed later,
                    // which cost a list per line on files padded with millions of empty lines.
                    if (row.Count > 0 || field.Length > 0)
                    {
                        row.Add(field.ToString());
                        field.Clear();
                        rows.Add(row);
                        row = [];
                    }
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                    break;
                default:
                    field.Append(c);
                    break;
            }
            i++;
        }
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }
        return rows;
    }

    private static List<IReadOnlyList<string?>> ReadXlsx(Stream file, FileFeedOptions options)
    {
        // Inspect the archive's declared sizes before anything is decompressed: .NET's ZipArchive refuses
        // an entry that expands beyond its declared size, so these bounds hold.
        try
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > options.MaxCompressionRatio)
                    throw new FileFeedException($"XLSX 文件中 {entry.FullName} 的压缩比异常（{entry.Length / entry.CompressedLength}:1），疑似压缩炸弹，已拒绝。");
            }
            if (total > options.MaxUncompressedBytes)
                throw new FileFeedException($"XLSX 文件解压后共 {total:N0} 字节，超过上限 {options.MaxUncompressedBytes:N0} 字节，已拒绝。");
        }
        catch (InvalidDataException)
        {
            throw new FileFeedException("文件不是有效的 XLSX（ZIP）文件。");
        }
        file.Position = 0;

        SpreadsheetDocument document;
        try
        {
            document = SpreadsheetDocument.Open(file, false);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException)
        {
            throw new FileFeedException("文件不是有效的 XLSX 文件：" + e.Message);
        }
        using (document)
        {
            var workbook = document.WorkbookPart ?? throw new FileFeedException("XLSX 文件缺少工作簿。");
            var sheet = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new FileFeedException("XLSX 文件没有工作表。");
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
            var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
            var rows = new List<IReadOnlyList<string?>>();
            using var reader = OpenXmlReader.Create(part);
            while (reader.Read())
            {
                if (reader.ElementType != typeof(Row) || !reader.IsStartElement) continue;
                var row = (Row)reader.LoadCurrentElement()!;
                var cells = new string?[FeedRow.Columns.Length];
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = ColumnIndex(cell.CellReference?.Value);
                    if (column < 0 || column >= cells.Length) continue;
                    cells[column] = CellText(cell, shared);
                }
                // Rows are numbered as Excel shows them; blank rows in between keep their numbers.
                var index = (int)(row.RowIndex?.Value ?? (uint)(rows.Count + 1));
                while (rows.Count < index - 1) rows.Add(new string?[FeedRow.Columns.Length]);
                rows.Add(cells);
                if (rows.Count > options.MaxRows + 1) throw new FileFeedException($"文件超过 {options.MaxRows:N0} 行数据的上限。");
            }
            // Trailing and in-between rows with no cells at all are not data.
            return rows.Where((r, i) => i == 0 || r.Any(c => !string.IsNullOrEmpty(c))).ToList();
        }
    }

    private static int ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return -1;
        var index = 0;
        foreach (var ch in reference)
        {
            if (!char.IsAsciiLetterUpper(ch)) break;
            index = index * 26 + (ch - 'A' + 1);
        }
        return index - 1;
    }

    private static string? CellText(Cell cell, List<string> shared)
    {
        var raw = cell.CellValue?.Text ?? cell.InnerText;
        if (cell.DataType?.Value == CellValues.SharedString)
            return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < shared.Count ? shared[i] : raw;
        if (cell.DataType?.Value == CellValues.InlineString) return cell.InlineString?.InnerText;
        return raw;
    }
}
