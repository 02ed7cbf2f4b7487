using Microsoft.OData.Edm;

namespace Dashboard.OData.Model;

/// <summary>
/// One property of an entity set: its EDM name and type, and the ClickHouse column of the set's source it
/// reads. This is the allow-list: a property that is not mapped here does not exist for the query translator.
/// </summary>
/// <param name="Name">The EDM property name (the public contract), also the output alias in SQL.</param>
/// <param name="Kind">The EDM primitive type.</param>
/// <param name="Column">A plain ClickHouse identifier of a column of the set's source (checked by <see cref="Dashboard.ClickHouse.Sql.SqlIdentifier"/>).</param>
/// <param name="Nullable">Whether the column is Nullable in ClickHouse.</param>
/// <param name="IsCollection">True for <c>Array(...)</c> columns, exposed as <c>Collection(Kind)</c>; they can be selected, not filtered or sorted.</param>
public sealed record PropertyMap(string Name, EdmPrimitiveTypeKind Kind, string Column, bool Nullable = false, bool IsCollection = false);

/// <summary>
/// One entity set of the OData contract: its EDM names, its key and the ClickHouse source it reads.
/// </summary>
/// <param name="EntitySet">The entity set name, e.g. <c>Observations</c>.</param>
/// <param name="EntityType">The entity type name in namespace <see cref="EntitySetMaps.Namespace"/>.</param>
/// <param name="Source">
/// The SQL that follows FROM: a table (<c>regions FINAL</c>) or a parenthesised subquery. Code-owned text, never
/// request text. <c>null</c> when the set is computed per request (Scorecard) and the caller supplies the source.
/// </param>
/// <param name="Key">The key property names, in key order.</param>
/// <param name="Properties">Every property, in declaration order.</param>
public sealed record EntitySetMap(string EntitySet, string EntityType, string? Source, IReadOnlyList<string> Key, IReadOnlyList<PropertyMap> Properties)
{
    /// <summary>Finds a property by its EDM name (case-sensitive, as OData is).</summary>
    public PropertyMap? FindProperty(string name) => Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
}
