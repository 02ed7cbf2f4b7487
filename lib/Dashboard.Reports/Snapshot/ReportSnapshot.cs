using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;

namespace Dashboard.Reports.Snapshot;

/// <summary>
/// A supervision bulletin frozen at generation (methodology §6): everything the DOCX, XLSX and HTML
/// show, and nothing they compute from elsewhere. Stored once with <see cref="ContentHash"/>; never recomputed.
/// </summary>
public sealed record ReportSnapshot
{
    /// <summary>Stable id: <c>{city}-{year}-{number:000}</c>.</summary>
    public required string Id { get; init; }
    /// <summary>The city (root region) reported on.</summary>
    public required string CityCode { get; init; }
    /// <summary>The city's Chinese name.</summary>
    public required string CityName { get; init; }
    /// <summary>The as-of date of the scorecard.</summary>
    public required DateOnly AsOf { get; init; }
    /// <summary>The period the bulletin covers, as printed (e.g. 截至2026年3月31日).</summary>
    public required string PeriodLabel { get; init; }
    /// <summary>The year of the bulletin number.</summary>
    public required int Year { get; init; }
    /// <summary>The bulletin's sequence number within <see cref="Year"/> for the city.</summary>
    public required int Number { get; init; }
    /// <summary>When it was generated (UTC, whole seconds).</summary>
    public required DateTime GeneratedAt { get; init; }
    /// <summary>The date printed on the bulletin (the generation day in China Standard Time).</summary>
    public required DateOnly ReportDate { get; init; }
    /// <summary>Who or what generated it (a user name or a job name).</summary>
    public required string GeneratedBy { get; init; }
    /// <summary>The issuing office printed at the head.</summary>
    public required string IssuingOffice { get; init; }
    /// <summary>Latest load time (UTC) of the data any row rests on; null when no row had data.</summary>
    public DateTime? DataVersion { get; init; }
    /// <summary>The city's previous report, which changes are measured against; null for the first.</summary>
    public string? PreviousReportId { get; init; }
    /// <summary>The previous report's as-of date.</summary>
    public DateOnly? PreviousAsOf { get; init; }
    /// <summary>The date by which lagging regions report their rectification.</summary>
    public required DateOnly RectificationDue { get; init; }
    /// <summary>Every scorecard row of the city's subtree, frozen, in the scorecard's order (region code, target id).</summary>
    public required IReadOnlyList<ReportRow> Rows { get; init; }
    /// <summary>Lagging rows ranked as methodology §5 ranks them (row indexes into <see cref="Rows"/>).</summary>
    public required IReadOnlyList<int> Lagging { get; init; }
    /// <summary>Data freshness per region (the annex).</summary>
    public required IReadOnlyList<RegionFreshness> Freshness { get; init; }
    /// <summary>SHA-256 (lower-case hex) of the canonical serialisation with this property empty.</summary>
    public string ContentHash { get; init; } = "";

    /// <summary>The bulletin number as printed: 〔2026〕第3期.</summary>
    [JsonIgnore]
    public string NumberLabel => $"〔{Year}〕第{Number}期";

    /// <summary>The rows of the targets table: the city's own rows, or every row when the city judges none itself.</summary>
    [JsonIgnore]
    public IReadOnlyList<ReportRow> TargetRows => Rows.Any(r => r.RegionCode == CityCode) ? Rows.Where(r => r.RegionCode == CityCode).ToList() : Rows;

    /// <summary>The lagging rows, ranked.</summary>
    [JsonIgnore]
    public IReadOnlyList<ReportRow> LaggingRows => Lagging.Select(i => Rows[i]).ToList();

    /// <summary>The canonical serialisation: UTF-8 JSON, declaration order, enums by name, no indentation.</summary>
    public string ToCanonicalJson() => JsonSerializer.Serialize(this, Canonical);

    /// <summary>Reads a snapshot from its canonical serialisation.</summary>
    public static ReportSnapshot FromCanonicalJson(string json) =>
        JsonSerializer.Deserialize<ReportSnapshot>(json, Canonical) ?? throw new InvalidDataException("The snapshot JSON is null.");

    /// <summary>SHA-256 of the canonical serialisation with <see cref="ContentHash"/> empty.</summary>
    public string ComputeHash() =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((this with { ContentHash = "" }).ToCanonicalJson())));

    /// <summary>This snapshot with its <see cref="ContentHash"/> set.</summary>
    public ReportSnapshot Sealed() => this with { ContentHash = ComputeHash() };

    /// <summary>True when <see cref="ContentHash"/> matches the content.</summary>
    public bool HashMatches() => ContentHash.Length > 0 && string.Equals(ContentHash, ComputeHash(), StringComparison.Ordinal);

    // Declaration order and invariant number text make the serialisation canonical; the relaxed
    // encoder keeps Chinese readable in the stored JSON (it is never embedded in HTML).
    private static readonly JsonSerializerOptions Canonical = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(), new CanonicalDecimalConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };
}

/// <summary>One region judged against one target, frozen with what the bulletin prints about it.</summary>
public sealed record ReportRow
{
    /// <summary>The region judged.</summary>
    public required string RegionCode { get; init; }
    /// <summary>Its Chinese name.</summary>
    public required string RegionName { get; init; }
    /// <summary>The target id.</summary>
    public required string TargetId { get; init; }
    /// <summary>The target version judged against.</summary>
    public required uint TargetVersion { get; init; }
    /// <summary>The target is an ancestor's.</summary>
    public required bool Inherited { get; init; }
    /// <summary>The indicator code.</summary>
    public required string IndicatorCode { get; init; }
    /// <summary>The indicator's Chinese name.</summary>
    public required string IndicatorName { get; init; }
    /// <summary>The indicator's unit ('%' for ratios).</summary>
    public required string Unit { get; init; }
    /// <summary>How the indicator's values read (ratios are fractions shown as percentages).</summary>
    public required IndicatorKind IndicatorKind { get; init; }
    /// <summary>The target's comparator.</summary>
    public required Comparator Comparator { get; init; }
    /// <summary>The deadline.</summary>
    public required DateOnly Deadline { get; init; }
    /// <summary>The policy document.</summary>
    public required string Document { get; init; }
    /// <summary>The clause, verbatim.</summary>
    public required string Clause { get; init; }
    /// <summary>The responsible units the clause names.</summary>
    public required IReadOnlyList<string> ResponsibleUnits { get; init; }
    /// <summary>Actual value a.</summary>
    public decimal? Actual { get; init; }
    /// <summary>First day of the actual value's period.</summary>
    public DateOnly? ActualPeriod { get; init; }
    /// <summary>Expected value e.</summary>
    public decimal? Expected { get; init; }
    /// <summary>Target value v.</summary>
    public decimal? TargetValue { get; init; }
    /// <summary>Forecast at the deadline.</summary>
    public decimal? Forecast { get; init; }
    /// <summary>Relative shortfall r.</summary>
    public decimal? RelativeShortfall { get; init; }
    /// <summary>The computed rating.</summary>
    public required ScorecardStatus Status { get; init; }
    /// <summary>The inspector's override shown beside the rating, if any.</summary>
    public ScorecardStatus? OverrideStatus { get; init; }
    /// <summary>The override's reason.</summary>
    public string? OverrideReason { get; init; }
    /// <summary>Data older than the freshness window.</summary>
    public required bool Stale { get; init; }
    /// <summary>The forecast fails the target.</summary>
    public required bool WillMiss { get; init; }
    /// <summary>First day of the latest period with data.</summary>
    public DateOnly? LatestPeriod { get; init; }
    /// <summary>Latest load time of the data behind the actual (UTC).</summary>
    public DateTime? LoadedAt { get; init; }
    /// <summary>The change since the previous report; null in a city's first report.</summary>
    public RowChange? Change { get; init; }

    /// <summary>Missed, Red or AmberRed.</summary>
    [JsonIgnore]
    public bool IsLagging => Status is ScorecardStatus.Missed or ScorecardStatus.Red or ScorecardStatus.AmberRed;
}

/// <summary>What changed for a row since the previous report.</summary>
/// <param name="IsNew">The previous report had no row for this region and target.</param>
/// <param name="PreviousStatus">The rating in the previous report.</param>
/// <param name="PreviousActual">The actual value in the previous report.</param>
/// <param name="ValueDelta">Actual now − actual in the previous report (null when either is missing).</param>
/// <param name="Restated">The previous report's actual, recomputed today for the previous as-of date, differs from what it printed: a district restated data after it was issued.</param>
/// <param name="RestatedActual">That recomputed value, when <paramref name="Restated"/>.</param>
public sealed record RowChange(bool IsNew, ScorecardStatus? PreviousStatus, decimal? PreviousActual, decimal? ValueDelta, bool Restated, decimal? RestatedActual)
{
    /// <summary>The rating moved since the previous report.</summary>
    public bool StatusChanged(ScorecardStatus now) => !IsNew && PreviousStatus != now;
}

/// <summary>Data freshness of one region (the annex).</summary>
/// <param name="RegionCode">The region.</param>
/// <param name="RegionName">Its name.</param>
/// <param name="LatestPeriod">The latest period with data over its rows.</param>
/// <param name="LoadedAt">The latest load time over its rows (UTC).</param>
/// <param name="Rows">How many targets it was judged against.</param>
/// <param name="StaleRows">How many of them rest on stale data.</param>
/// <param name="NoDataRows">How many had no data.</param>
public sealed record RegionFreshness(string RegionCode, string RegionName, DateOnly? LatestPeriod, DateTime? LoadedAt, int Rows, int StaleRows, int NoDataRows);

/// <summary>
/// Writes decimals without trailing zeros (27, not 27.0000): ClickHouse servers of different versions print the same
/// Decimal column with and without them, and the content hash must depend on the numbers, not on the server.
/// </summary>
internal sealed class CanonicalDecimalConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value / 1.000000000000000000000000000000000m);
}
