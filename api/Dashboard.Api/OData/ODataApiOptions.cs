using Dashboard.OData.Translation;

namespace Dashboard.Api.OData;

/// <summary>Limits of the OData service (configuration section "OData").</summary>
public sealed class ODataApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OData";

    /// <summary>Rows per response page before <c>@odata.nextLink</c>.</summary>
    public int PageSize { get; set; } = 1_000;

    /// <summary>The largest <c>$top</c> accepted.</summary>
    public int MaxTop { get; set; } = 10_000;

    /// <summary>The most nodes a <c>$filter</c> may have.</summary>
    public int MaxFilterNodes { get; set; } = 100;

    /// <summary>The most <c>$orderby</c> items.</summary>
    public int MaxOrderByItems { get; set; } = 10;

    /// <summary>ClickHouse's time limit per query (max_execution_time), in seconds.</summary>
    public int QueryTimeoutSeconds { get; set; } = 30;

    /// <summary>ClickHouse's memory limit per query (max_memory_usage), in bytes.</summary>
    public long MaxMemoryBytes { get; set; } = 2_000_000_000;

    /// <summary>The translator's limits.</summary>
    public ODataTranslatorOptions ToTranslatorOptions() => new()
    {
        PageSize = PageSize,
        MaxTop = MaxTop,
        MaxFilterNodes = MaxFilterNodes,
        MaxOrderByItems = MaxOrderByItems,
    };
}
