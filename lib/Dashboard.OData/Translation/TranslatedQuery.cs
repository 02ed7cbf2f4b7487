using Microsoft.OData.Edm;

namespace Dashboard.OData.Translation;

/// <summary>What a translated request returns.</summary>
public enum QueryShape
{
    /// <summary>A collection of rows: an entity set, with or without <c>$apply</c>; paged.</summary>
    Collection,

    /// <summary>One entity addressed by its key (<c>Regions('320583')</c>): at most one row; none means 404.</summary>
    Entity,

    /// <summary>The <c>/$count</c> segment: one row with one Int64 column, <c>Count</c>, answered as plain text.</summary>
    Count,
}

/// <summary>One output column of <see cref="TranslatedQuery.Sql"/>, in order.</summary>
/// <param name="Name">The column alias in SQL and the property name in the response (EDM name or <c>$apply</c> alias).</param>
/// <param name="Kind">The EDM primitive type of the values (of the elements, for a collection).</param>
/// <param name="Nullable">Whether the column can be NULL.</param>
/// <param name="IsCollection">True for <c>Collection(Kind)</c> properties (ClickHouse arrays).</param>
public sealed record OutputColumn(string Name, EdmPrimitiveTypeKind Kind, bool Nullable, bool IsCollection);

/// <summary>The ClickHouse statements for one OData request.</summary>
/// <remarks>
/// Paging: <see cref="Sql"/> asks for <see cref="FetchSize"/> = <see cref="PageSize"/> + 1 rows. The caller
/// returns at most <see cref="PageSize"/> rows and uses <see cref="HasNextPage(int)"/> on the number of rows
/// read to decide whether to emit <c>@odata.nextLink</c> (with <c>$skip</c> = <see cref="Skip"/> +
/// <see cref="PageSize"/> and, when <see cref="Top"/> was given, <c>$top</c> reduced by the same amount).
/// Rows are ordered by the requested <c>$orderby</c> and then by the key, so pages are stable.
/// </remarks>
/// <param name="EntitySet">The entity set queried, canonical spelling (names resolve case-insensitively).</param>
/// <param name="Sql">
/// The page statement: SELECT … FROM … [WHERE …] ORDER BY … LIMIT n [OFFSET m]; for <see cref="QueryShape.Entity"/>
/// SELECT … WHERE … LIMIT 1; for <see cref="QueryShape.Count"/> <c>SELECT count() AS `Count` …</c>.
/// </param>
/// <param name="CountSql">With <c>$count=true</c>, <c>SELECT count() AS `Count` …</c> with the same WHERE; otherwise null.</param>
/// <param name="Parameters">Every parameter of both statements (scope parameters first, then p0, p1, …), bound by the provider as <c>@name</c>.</param>
/// <param name="Properties">The output names, in order (the names of <see cref="Columns"/>); each is a column alias of <see cref="Sql"/>.</param>
/// <param name="PageSize">The most rows to return in this response.</param>
/// <param name="Skip">The <c>$skip</c> value (0 when absent).</param>
/// <param name="Top">The <c>$top</c> value, or null when absent.</param>
public sealed record TranslatedQuery(
    string EntitySet,
    string Sql,
    string? CountSql,
    IReadOnlyDictionary<string, object?> Parameters,
    IReadOnlyList<string> Properties,
    int PageSize,
    long Skip,
    long? Top)
{
    /// <summary>What the request returns; <see cref="QueryShape.Collection"/> unless set.</summary>
    public QueryShape Shape { get; init; } = QueryShape.Collection;

    /// <summary>Every output column of <see cref="Sql"/>, in order, with its EDM type (for <c>$apply</c>: the grouping properties, then the aggregate aliases).</summary>
    public IReadOnlyList<OutputColumn> Columns { get; init; } = [];

    /// <summary>
    /// What follows <c>$metadata#</c> in <c>@odata.context</c>: <c>Regions</c>, <c>Regions(Code,Name)</c> for a
    /// <c>$select</c>, <c>Observations(RegionCode,Total)</c> for an <c>$apply</c> grouping, <c>Regions/$entity</c>
    /// for a key lookup. Empty for <see cref="QueryShape.Count"/>, whose plain-text answer has no context.
    /// </summary>
    public string ContextFragment { get; init; } = "";

    /// <summary>
    /// The LIMIT of <see cref="Sql"/>: one row more than <see cref="PageSize"/>, to detect a next page; 1 for a key
    /// lookup (a key matches at most one row).
    /// </summary>
    public int FetchSize => Shape == QueryShape.Collection ? PageSize + 1 : PageSize;

    /// <summary>
    /// True when, having read <paramref name="rowsRead"/> rows from <see cref="Sql"/>, the response needs a next
    /// link: more rows exist than the page holds and <c>$top</c> (if any) asks for more than this page.
    /// </summary>
    public bool HasNextPage(int rowsRead) =>
        Shape == QueryShape.Collection && rowsRead > PageSize && (Top is null || Top.Value > PageSize);
}
