namespace Dashboard.OData.Translation;

/// <summary>Limits of the OData translator (shared/contracts/odata.md, "Limits, configurable").</summary>
public sealed record ODataTranslatorOptions
{
    /// <summary>The largest <c>$top</c> accepted; larger is refused. Default 10,000.</summary>
    public int MaxTop { get; init; } = 10_000;

    /// <summary>The server-driven page size: at most this many rows per response. Default 1,000.</summary>
    public int PageSize { get; init; } = 1_000;

    /// <summary>
    /// The most nodes a <c>$filter</c> may have. Counted while walking the bound tree: every operator, property,
    /// constant, function call and every item of an <c>in</c> list is one node; implicit type conversions are
    /// not counted. Default 100.
    /// </summary>
    public int MaxFilterNodes { get; init; } = 100;

    /// <summary>The most <c>$orderby</c> items. Default 10.</summary>
    public int MaxOrderByItems { get; init; } = 10;
}
