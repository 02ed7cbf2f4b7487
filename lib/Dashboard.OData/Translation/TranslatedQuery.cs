namespace Dashboard.OData.Translation;

/// <summary>The ClickHouse statements for one OData request.</summary>
/// <remarks>
/// Paging: <see cref="Sql"/> asks for <see cref="FetchSize"/> = <see cref="PageSize"/> + 1 rows. The caller
/// returns at most <see cref="PageSize"/> rows and uses <see cref="HasNextPage(int)"/> on the number of rows
/// read to decide whether to emit <c>@odata.nextLink</c> (with <c>$skip</c> = <see cref="Skip"/> +
/// <see cref="PageSize"/> and, when <see cref="Top"/> was given, <c>$top</c> reduced by the same amount).
/// Rows are ordered by the requested <c>$orderby</c> and then by the key, so pages are stable.
/// </remarks>
/// <param name="EntitySet">The entity set queried.</param>
/// <param name="Sql">The page statement: SELECT … FROM … [WHERE …] ORDER BY … LIMIT n [OFFSET m].</param>
/// <param name="CountSql">With <c>$count=true</c>, <c>SELECT count() AS `Count` …</c> with the same WHERE; otherwise null.</param>
/// <param name="Parameters">Every parameter of both statements (scope parameters first, then p0, p1, …), bound by the provider as <c>@name</c>.</param>
/// <param name="Properties">The EDM property names selected, in output order; each is a column alias of <see cref="Sql"/>.</param>
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
    /// <summary>The LIMIT of <see cref="Sql"/>: one row more than <see cref="PageSize"/>, to detect a next page.</summary>
    public int FetchSize => PageSize + 1;

    /// <summary>
    /// True when, having read <paramref name="rowsRead"/> rows from <see cref="Sql"/>, the response needs a next
    /// link: more rows exist than the page holds and <c>$top</c> (if any) asks for more than this page.
    /// </summary>
    public bool HasNextPage(int rowsRead) => rowsRead > PageSize && (Top is null || Top.Value > PageSize);
}
