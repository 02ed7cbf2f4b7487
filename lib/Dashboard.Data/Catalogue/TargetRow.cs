namespace Dashboard.Data.Catalogue;

/// <summary>A stored target version as Dapper reads it; the one mapping from the targets table to <see cref="Target"/>.</summary>
internal class TargetRow
{
    public const string Columns = """
        id AS Id, version AS Version, region_code AS RegionCode, indicator_code AS IndicatorCode, kind AS Kind, comparator AS Comparator,
        value AS Value, start_date AS StartDate, deadline AS Deadline, baseline_period AS BaselinePeriod, document AS Document,
        clause AS Clause, responsible_units AS ResponsibleUnits, author AS Author, created_at AS CreatedAt, change_note AS ChangeNote
        """;

    public string Id { get; init; } = "";
    public uint Version { get; init; }
    public string RegionCode { get; init; } = "";
    public string IndicatorCode { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Comparator { get; init; } = "";
    public decimal Value { get; init; }
    public DateTime StartDate { get; init; }
    public DateTime Deadline { get; init; }
    public DateTime? BaselinePeriod { get; init; }
    public string Document { get; init; } = "";
    public string Clause { get; init; } = "";
    public string[] ResponsibleUnits { get; init; } = [];
    public string Author { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public string ChangeNote { get; init; } = "";

    public Target ToTarget() => new(Id, Version, RegionCode, IndicatorCode,
        CatalogueStore.Parse<TargetKind>(Kind, Id), CatalogueStore.Parse<Comparator>(Comparator, Id), Value,
        DateOnly.FromDateTime(StartDate), DateOnly.FromDateTime(Deadline), BaselinePeriod is { } b ? DateOnly.FromDateTime(b) : null,
        Document, Clause, ResponsibleUnits);

    public TargetVersion ToVersion() => new(ToTarget(), Author, CreatedAt, ChangeNote);
}
