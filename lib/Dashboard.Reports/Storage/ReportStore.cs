using System.Security.Cryptography;
using Dapper;
using Dashboard.Data.Storage;
using Dashboard.Reports.Snapshot;

namespace Dashboard.Reports.Storage;

/// <summary>The formats a bulletin is rendered in.</summary>
public enum ReportFormat
{
    /// <summary>The 督导通报 as a Word document.</summary>
    Docx,
    /// <summary>The workbook, one sheet per section.</summary>
    Xlsx,
    /// <summary>The self-contained print view.</summary>
    Html,
}

/// <summary>One rendered file of a report.</summary>
/// <param name="ReportId">The report.</param>
/// <param name="Format">The format.</param>
/// <param name="FileName">The download name.</param>
/// <param name="ContentType">The MIME type.</param>
/// <param name="Sha256">SHA-256 (hex) of <paramref name="Content"/>.</param>
/// <param name="Content">The bytes.</param>
public sealed record ReportFile(string ReportId, ReportFormat Format, string FileName, string ContentType, string Sha256, byte[] Content)
{
    /// <summary>A file with its hash computed.</summary>
    public static ReportFile Of(string reportId, ReportFormat format, string fileName, string contentType, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new(reportId, format, fileName, contentType, Convert.ToHexStringLower(SHA256.HashData(content)), content);
    }
}

/// <summary>A report in a list: its metadata without the rows.</summary>
/// <param name="Id">The id.</param>
/// <param name="CityCode">The city.</param>
/// <param name="AsOf">The as-of date.</param>
/// <param name="Year">Year of the number.</param>
/// <param name="Number">Sequence number within the year.</param>
/// <param name="PeriodLabel">The period as printed.</param>
/// <param name="GeneratedAt">When (UTC).</param>
/// <param name="GeneratedBy">By whom or what.</param>
/// <param name="DataVersion">Latest load time of the data it rests on (UTC).</param>
/// <param name="PreviousReportId">The report it compares with.</param>
/// <param name="ContentHash">SHA-256 of the snapshot.</param>
public sealed record ReportSummary(string Id, string CityCode, DateOnly AsOf, int Year, int Number, string PeriodLabel, DateTime GeneratedAt,
    string GeneratedBy, DateTime? DataVersion, string? PreviousReportId, string ContentHash);

/// <summary>Thrown when a report id is stored already: reports are written once.</summary>
public sealed class ReportExistsException(string id) : InvalidOperationException($"Report {id} is stored already; reports are never rewritten.");

/// <summary>
/// Reports and their files in ClickHouse (sql/0010_reports.sql). Insert only: a stored report is never
/// updated or recomputed.
/// </summary>
public sealed class ReportStore(ClickHouseDatabase database)
{
    /// <summary>Stores a sealed snapshot and its files; the files go first, so a listed report always has them.</summary>
    /// <exception cref="ReportExistsException">The id is stored already.</exception>
    public async Task SaveAsync(ReportSnapshot snapshot, IReadOnlyList<ReportFile> files, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(files);
        if (!snapshot.HashMatches()) throw new ArgumentException("The snapshot is not sealed: its content hash does not match.", nameof(snapshot));
        await using var c = await database.OpenAsync(ct);
        if (await ExistsAsync(c, snapshot.Id, ct)) throw new ReportExistsException(snapshot.Id);
        foreach (var f in files)
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO report_files (report_id, format, file_name, content_type, sha256, size, content)
                VALUES (@ReportId, @format, @FileName, @ContentType, @Sha256, @size, @content)
                """, new { f.ReportId, format = f.Format.ToString(), f.FileName, f.ContentType, f.Sha256, size = (ulong)f.Content.LongLength, content = Convert.ToBase64String(f.Content) },
                cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO reports (id, city_code, as_of, year, number, period_label, generated_at, generated_by, data_version, previous_id, content_hash, snapshot)
            VALUES (@Id, @CityCode, @AsOf, @year, @number, @PeriodLabel, @GeneratedAt, @GeneratedBy, @DataVersion, @previous, @ContentHash, @json)
            """, new
        {
            snapshot.Id, snapshot.CityCode, snapshot.AsOf, year = (ushort)snapshot.Year, number = (uint)snapshot.Number, snapshot.PeriodLabel,
            snapshot.GeneratedAt, snapshot.GeneratedBy, snapshot.DataVersion, previous = snapshot.PreviousReportId ?? "", snapshot.ContentHash,
            json = snapshot.ToCanonicalJson(),
        }, cancellationToken: ct));
    }

    /// <summary>The report with this id, or null.</summary>
    /// <exception cref="InvalidDataException">The stored snapshot does not match its content hash.</exception>
    public async Task<ReportSnapshot?> GetAsync(string id, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var json = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            "SELECT snapshot FROM reports WHERE id = @id LIMIT 1", new { id }, cancellationToken: ct));
        return json is null ? null : Verified(json);
    }

    /// <summary>The city's latest report as of <paramref name="asOf"/> or earlier (highest as-of date, then latest generated), or null.</summary>
    public async Task<ReportSnapshot?> GetLatestAsync(string cityCode, DateOnly asOf, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var json = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            "SELECT snapshot FROM reports WHERE city_code = @cityCode AND as_of <= @asOf ORDER BY as_of DESC, generated_at DESC, id DESC LIMIT 1",
            new { cityCode, asOf }, cancellationToken: ct));
        return json is null ? null : Verified(json);
    }

    /// <summary>The city's reports, newest first.</summary>
    public async Task<IReadOnlyList<ReportSummary>> ListAsync(string cityCode, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<SummaryRow>(new CommandDefinition("""
            SELECT id AS Id, city_code AS CityCode, as_of AS AsOf, year AS Year, number AS Number, period_label AS PeriodLabel,
                   generated_at AS GeneratedAt, generated_by AS GeneratedBy, data_version AS DataVersion, previous_id AS PreviousId,
                   content_hash AS ContentHash
            FROM reports WHERE city_code = @cityCode
            ORDER BY as_of DESC, generated_at DESC, id DESC
            """, new { cityCode }, cancellationToken: ct));
        return rows.Select(r => new ReportSummary(r.Id, r.CityCode, DateOnly.FromDateTime(r.AsOf), r.Year, (int)r.Number, r.PeriodLabel,
            DateTime.SpecifyKind(r.GeneratedAt, DateTimeKind.Utc), r.GeneratedBy, r.DataVersion is { } d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : null,
            r.PreviousId.Length == 0 ? null : r.PreviousId, r.ContentHash)).ToList();
    }

    /// <summary>The highest bulletin number the city has in <paramref name="year"/> (0 for none).</summary>
    public async Task<int> MaxNumberAsync(string cityCode, int year, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (int)await c.ExecuteScalarAsync<uint>(new CommandDefinition(
            "SELECT max(number) FROM reports WHERE city_code = @cityCode AND year = @year", new { cityCode, year = (ushort)year }, cancellationToken: ct));
    }

    /// <summary>A stored file of a report, or null.</summary>
    /// <exception cref="InvalidDataException">The stored bytes do not match their hash.</exception>
    public async Task<ReportFile?> GetFileAsync(string reportId, ReportFormat format, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<FileRow>(new CommandDefinition("""
            SELECT report_id AS ReportId, file_name AS FileName, content_type AS ContentType, sha256 AS Sha256, content AS Content
            FROM report_files WHERE report_id = @reportId AND format = @format LIMIT 1
            """, new { reportId, format = format.ToString() }, cancellationToken: ct));
        if (row is null) return null;
        var file = ReportFile.Of(row.ReportId, format, row.FileName, row.ContentType, Convert.FromBase64String(row.Content));
        return file.Sha256 == row.Sha256 ? file : throw new InvalidDataException($"Report {reportId} {format}: the stored bytes do not match their SHA-256.");
    }

    private static async Task<bool> ExistsAsync(Dashboard.ClickHouse.Ado.ClickHouseConnection c, string id, CancellationToken ct) =>
        await c.ExecuteScalarAsync<ulong>(new CommandDefinition("SELECT count() FROM reports WHERE id = @id", new { id }, cancellationToken: ct)) > 0;

    private static ReportSnapshot Verified(string json)
    {
        var snapshot = ReportSnapshot.FromCanonicalJson(json);
        return snapshot.HashMatches() ? snapshot : throw new InvalidDataException($"Report {snapshot.Id}: the stored snapshot does not match its content hash.");
    }

    // Classes with setters, not positional records: Dapper then converts column types (UInt16 → int …) per property.
    private sealed class SummaryRow
    {
        public string Id { get; init; } = "";
        public string CityCode { get; init; } = "";
        public DateTime AsOf { get; init; }
        public int Year { get; init; }
        public long Number { get; init; }
        public string PeriodLabel { get; init; } = "";
        public DateTime GeneratedAt { get; init; }
        public string GeneratedBy { get; init; } = "";
        public DateTime? DataVersion { get; init; }
        public string PreviousId { get; init; } = "";
        public string ContentHash { get; init; } = "";
    }

    private sealed class FileRow
    {
        public string ReportId { get; init; } = "";
        public string FileName { get; init; } = "";
        public string ContentType { get; init; } = "";
        public string Sha256 { get; init; } = "";
        public string Content { get; init; } = "";
    }
}
