namespace Dashboard.OData.Translation;

/// <summary>
/// A code-built SQL condition with its own <c>@name</c> parameters, e.g.
/// <c>region_code IN (SELECT region_code FROM region_closure WHERE ancestor_code IN @scope)</c>.
/// </summary>
/// <remarks>
/// This is how jurisdiction is enforced: the api builds the condition from the user's scope and passes it to
/// <see cref="ODataSqlTranslator.Translate(string, string, SqlCondition?, string?)"/>, which ANDs it before the
/// user's <c>$filter</c> in both the page and the count statement, so no query text can widen it. Its text is
/// trusted code, never request text; its parameter names must be plain identifiers and must not have the form
/// <c>p&lt;digits&gt;</c>, which the translator uses for the user's values.
/// </remarks>
/// <param name="Sql">The condition (ClickHouse SQL over the entity set's source columns).</param>
/// <param name="Parameters">Its parameter values, by name without <c>@</c>.</param>
public sealed record SqlCondition(string Sql, IReadOnlyDictionary<string, object?> Parameters);
