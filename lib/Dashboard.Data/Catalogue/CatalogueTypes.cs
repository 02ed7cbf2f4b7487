namespace Dashboard.Data.Catalogue;

/// <summary>How an indicator's observations roll up (methodology §2).</summary>
public enum IndicatorKind
{
    /// <summary>Numerator over denominator; a region's value is Σ numerator ÷ Σ denominator.</summary>
    Ratio,
    /// <summary>A count; a region's value is the sum.</summary>
    Count,
    /// <summary>An amount (money, hours …); a region's value is the sum.</summary>
    Amount,
    /// <summary>A maximum (e.g. the largest class); a region's value is the maximum.</summary>
    Max,
}

/// <summary>Which way is better.</summary>
public enum Direction
{
    /// <summary>More is better.</summary>
    HigherIsBetter,
    /// <summary>Less is better.</summary>
    LowerIsBetter,
}

/// <summary>How often an indicator is reported.</summary>
public enum Periodicity
{
    /// <summary>Calendar months.</summary>
    Month,
    /// <summary>School terms: spring (March–August) and autumn (September–February).</summary>
    Term,
    /// <summary>Calendar years.</summary>
    Year,
}

/// <summary>Target kinds (methodology §4).</summary>
public enum TargetKind
{
    /// <summary>The value at the deadline satisfies the comparator.</summary>
    Level,
    /// <summary>The value reaches the baseline value plus a delta.</summary>
    ChangeFromBaseline,
    /// <summary>The sum of the window's period values satisfies the comparator.</summary>
    Cumulative,
    /// <summary>The value stays within a limit at every period of the window.</summary>
    Ceiling,
    /// <summary>The value satisfies the comparator at every period of the window.</summary>
    Maintain,
}

/// <summary>Comparators, named as OData names them.</summary>
public enum Comparator
{
    /// <summary>Greater than or equal.</summary>
    Ge,
    /// <summary>Greater than.</summary>
    Gt,
    /// <summary>Less than or equal.</summary>
    Le,
    /// <summary>Less than.</summary>
    Lt,
}

/// <summary>A region of the hierarchy.</summary>
/// <param name="Code">6-digit administrative code at county level and above; 9 digits below.</param>
/// <param name="Name">Chinese name.</param>
/// <param name="Level">Province, City, County, Town or School.</param>
/// <param name="ParentCode">The parent's code; empty for a root.</param>
public sealed record Region(string Code, string Name, string Level, string ParentCode);

/// <summary>An indicator of the catalogue.</summary>
public sealed record Indicator(
    string Code, string Name, string NameEn, string Unit, IndicatorKind Kind, Direction Direction, Periodicity Periodicity,
    string NumeratorDefinition, string DenominatorDefinition, string Definition);

/// <summary>The current version of a target.</summary>
/// <param name="Id">Stable id.</param>
/// <param name="Version">Version number; an edit adds a version.</param>
/// <param name="RegionCode">The region the target is set for.</param>
/// <param name="IndicatorCode">What it measures.</param>
/// <param name="Kind">Level, change from baseline, cumulative, ceiling or maintain.</param>
/// <param name="Comparator">How the value is compared with <paramref name="Value"/>.</param>
/// <param name="Value">The target value (ratios as fractions); for ChangeFromBaseline, the delta.</param>
/// <param name="StartDate">Start of the window.</param>
/// <param name="Deadline">The deadline.</param>
/// <param name="BaselinePeriod">First day of the baseline period, if the clause names one.</param>
/// <param name="Document">The policy document's file name.</param>
/// <param name="Clause">The clause, verbatim.</param>
/// <param name="ResponsibleUnits">The responsible units the clause names.</param>
public sealed record Target(
    string Id, uint Version, string RegionCode, string IndicatorCode, TargetKind Kind, Comparator Comparator, decimal Value,
    DateOnly StartDate, DateOnly Deadline, DateOnly? BaselinePeriod, string Document, string Clause, IReadOnlyList<string> ResponsibleUnits)
{
    /// <summary>Whether <paramref name="x"/> satisfies this target's comparator against <paramref name="limit"/>.</summary>
    public bool Satisfied(decimal x, decimal limit) => Comparator switch
    {
        Comparator.Ge => x >= limit,
        Comparator.Gt => x > limit,
        Comparator.Le => x <= limit,
        Comparator.Lt => x < limit,
        _ => throw new InvalidOperationException($"Unknown comparator {Comparator}."),
    };
}
