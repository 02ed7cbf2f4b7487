using System.Globalization;
using System.Text.Json;

namespace Dashboard.Data.Ingestion;

/// <summary>How a field of a received row was written.</summary>
public enum FieldKind
{
    /// <summary>Not present at all.</summary>
    Missing,
    /// <summary>Present and null (JSON null, or an empty CSV/XLSX cell).</summary>
    Null,
    /// <summary>A JSON number.</summary>
    JsonNumber,
    /// <summary>A JSON string.</summary>
    JsonString,
    /// <summary>Text from a file, whose type is decided when it is parsed.</summary>
    Text,
    /// <summary>Anything else (JSON object, array, true/false).</summary>
    Other,
}

/// <summary>One field of a received row, kept as received so validation can say what was wrong.</summary>
public readonly record struct RawField(FieldKind Kind, string? Text)
{
    /// <summary>A missing field.</summary>
    public static readonly RawField Missing = new(FieldKind.Missing, null);

    /// <summary>Reads a JSON property of an object.</summary>
    public static RawField FromJson(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var e)) return Missing;
        return e.ValueKind switch
        {
            JsonValueKind.Null => new(FieldKind.Null, null),
            JsonValueKind.Number => new(FieldKind.JsonNumber, e.GetRawText()),
            JsonValueKind.String => new(FieldKind.JsonString, e.GetString()),
            _ => new(FieldKind.Other, e.GetRawText()),
        };
    }

    /// <summary>A cell of a CSV or XLSX file: empty is null.</summary>
    public static RawField FromText(string? text) =>
        string.IsNullOrWhiteSpace(text) ? new(FieldKind.Null, null) : new(FieldKind.Text, text.Trim());

    /// <summary>How the field reads in a message.</summary>
    public override string ToString() => Kind switch
    {
        FieldKind.Missing => "（缺失）",
        FieldKind.Null => "null",
        FieldKind.JsonString => "\"" + Text + "\"",
        _ => Text ?? "",
    };
}

/// <summary>
/// A row as received from a feed page or a file, before validation: the contract's eight fields and the
/// raw text of the row, which a rejection keeps verbatim.
/// </summary>
public sealed record FeedRow(int RowNumber, string Raw, RawField Region, RawField Indicator, RawField Period,
    RawField Numerator, RawField Denominator, RawField Value, RawField Revision, RawField UpdatedAt)
{
    /// <summary>The contract's field names, in file column order.</summary>
    public static readonly string[] Columns = ["region", "indicator", "period", "numerator", "denominator", "value", "revision", "updatedAt"];

    /// <summary>Reads a JSON item of a feed page (unknown fields are ignored).</summary>
    public static FeedRow FromJson(int rowNumber, JsonElement item) => item.ValueKind != JsonValueKind.Object
        ? new FeedRow(rowNumber, item.GetRawText(), RawField.Missing, RawField.Missing, RawField.Missing, RawField.Missing, RawField.Missing, RawField.Missing, RawField.Missing, RawField.Missing)
        : new FeedRow(rowNumber, item.GetRawText(),
            RawField.FromJson(item, "region"), RawField.FromJson(item, "indicator"), RawField.FromJson(item, "period"),
            RawField.FromJson(item, "numerator"), RawField.FromJson(item, "denominator"), RawField.FromJson(item, "value"),
            RawField.FromJson(item, "revision"), RawField.FromJson(item, "updatedAt"));

    /// <summary>Reads the cells of a file row in the contract's column order.</summary>
    public static FeedRow FromCells(int rowNumber, IReadOnlyList<string?> cells)
    {
        RawField Cell(int i) => i < cells.Count ? RawField.FromText(cells[i]) : RawField.Missing;
        var raw = string.Join(',', cells.Select(c => CsvQuote(c ?? "")));
        return new FeedRow(rowNumber, raw, Cell(0), Cell(1), Cell(2), Cell(3), Cell(4), Cell(5), Cell(6), Cell(7));
    }

    private static string CsvQuote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The region code as sent, for the rejection record (empty when absent or not text).</summary>
    public string RegionText => Region.Kind is FieldKind.JsonString or FieldKind.Text ? Region.Text ?? "" : "";

    internal static bool TryNumber(RawField f, out decimal value)
    {
        value = 0;
        return f.Kind is FieldKind.JsonNumber or FieldKind.Text
            && decimal.TryParse(f.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
    }
}
