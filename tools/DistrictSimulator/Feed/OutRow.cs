using System.Globalization;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Periods;
using DistrictSimulator.Faults;
using DistrictSimulator.Generation;

namespace DistrictSimulator.Feed;

/// <summary>A number field as sent: a number, a text where a number belongs (the wrongType fault), or null.</summary>
public readonly record struct OutNumber(decimal? Number, string? Text)
{
    /// <summary>Null.</summary>
    public static OutNumber Null => default;

    /// <summary>A number, or null.</summary>
    public static OutNumber Of(decimal? number) => new(number, null);

    /// <summary>The field as CSV text.</summary>
    public string ToCsv() => Text ?? Number?.ToString(CultureInfo.InvariantCulture) ?? "";
}

/// <summary>A row as it goes out: a generated row, or one of the invalid rows faults add.</summary>
/// <param name="Region">Region code.</param>
/// <param name="Indicator">Indicator code.</param>
/// <param name="Period">The period as written; null leaves the field out (the missingField fault).</param>
/// <param name="Numerator">Ratio numerator.</param>
/// <param name="Denominator">Ratio denominator.</param>
/// <param name="Value">Count, amount or max value.</param>
/// <param name="Revision">Revision.</param>
/// <param name="UpdatedAt">ISO-8601 with offset.</param>
public sealed record OutRow(string Region, string Indicator, string? Period, OutNumber Numerator, OutNumber Denominator, OutNumber Value, int Revision, string UpdatedAt)
{
    /// <summary>A generated row as sent.</summary>
    public static OutRow From(FeedRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Region, row.Indicator, row.Period, OutNumber.Of(row.Numerator), OutNumber.Of(row.Denominator), OutNumber.Of(row.Value), row.Revision, row.UpdatedAtText);
    }

    /// <summary>
    /// The rows a page or file carries: the page's rows, its first row again at the end when duplicateRows
    /// is on, then one invalid row per configured kind, stamped with the page's last updatedAt.
    /// </summary>
    public static List<OutRow> Compose(IReadOnlyList<FeedRow> rows, FaultSettings faults, SimulatedSource source, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentNullException.ThrowIfNull(source);
        var result = rows.Select(From).ToList();
        if (faults.DuplicateRows && result.Count > 0) result.Add(result[0]);
        if (faults.InvalidRows.Count == 0) return result;
        var stamp = rows.Count > 0
            ? rows[^1].UpdatedAtText
            : FeedRow.FormatInstant(new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), SimulatorOptions.Offset));
        foreach (var kind in faults.InvalidRows)
        {
            if (Invalid(kind, source, today, stamp) is { } invalid) result.Add(invalid);
        }
        return result;
    }

    /// <summary>One invalid row of <paramref name="kind"/>, built on a valid row of the source's first leaf.</summary>
    public static OutRow? Invalid(string kind, SimulatedSource source, DateOnly today, string updatedAt)
    {
        ArgumentNullException.ThrowIfNull(source);
        var leaf = source.Leaves[0].Code;
        var ratio = source.Indicators.FirstOrDefault(i => i.Kind == IndicatorKind.Ratio);
        var other = source.Indicators.FirstOrDefault(i => i.Kind != IndicatorKind.Ratio);
        OutRow? Template(Indicator? indicator) => indicator is null ? null : new OutRow(
            leaf, indicator.Code, FeedRow.FormatPeriod(indicator.Periodicity, PeriodCalendar.Start(indicator.Periodicity, today)),
            indicator.Kind == IndicatorKind.Ratio ? OutNumber.Of(120) : OutNumber.Null,
            indicator.Kind == IndicatorKind.Ratio ? OutNumber.Of(200) : OutNumber.Null,
            indicator.Kind == IndicatorKind.Ratio ? OutNumber.Null : OutNumber.Of(3),
            1, updatedAt);
        var any = Template(ratio ?? other);
        return kind switch
        {
            InvalidRowKinds.WrongType => ratio is not null
                ? Template(ratio)! with { Numerator = new OutNumber(null, "abc") }
                : any is null ? null : any with { Value = new OutNumber(null, "abc") },
            InvalidRowKinds.MissingField => any is null ? null : any with { Period = null },
            InvalidRowKinds.UnknownRegion => any is null ? null : any with { Region = "000000000" },
            InvalidRowKinds.UnknownIndicator => any is null ? null : any with { Indicator = "NO_SUCH_INDICATOR" },
            InvalidRowKinds.Negative => other is not null
                ? Template(other)! with { Value = OutNumber.Of(-3) }
                : any is null ? null : any with { Numerator = OutNumber.Of(-120) },
            InvalidRowKinds.NumeratorAboveDenominator => ratio is null ? null : Template(ratio)! with { Numerator = OutNumber.Of(201) },
            InvalidRowKinds.FuturePeriod => any is null ? null : any with { Period = FuturePeriod(ratio ?? other!, today) },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown invalid-row kind."),
        };
    }

    private static string FuturePeriod(Indicator indicator, DateOnly today)
    {
        var next = PeriodCalendar.End(indicator.Periodicity, today).AddDays(1);
        return FeedRow.FormatPeriod(indicator.Periodicity, PeriodCalendar.Start(indicator.Periodicity, next));
    }
}
