using System.Globalization;
using Dashboard.ClickHouse.Sql;
using Dashboard.OData.Model;
using Microsoft.OData.Edm;

namespace Dashboard.OData.Translation;

/// <summary>A column an expression may read: its public name, the SQL that reads it, and its EDM type.</summary>
/// <param name="Name">The EDM property name or <c>$apply</c> alias, canonical spelling.</param>
/// <param name="Sql">Code-built SQL for the column: a back-quoted identifier from an allow-list.</param>
/// <param name="Kind">The EDM type (of the elements, for a collection).</param>
/// <param name="Nullable">Whether the column can be NULL.</param>
/// <param name="IsCollection">True for array columns, which can be selected but not filtered, sorted or grouped.</param>
internal sealed record ColumnRef(string Name, string Sql, EdmPrimitiveTypeKind Kind, bool Nullable, bool IsCollection)
{
    public OutputColumn ToOutput() => new(Name, Kind, Nullable, IsCollection);
}

/// <summary>
/// The columns visible at one point of a query: an entity set's mapped columns, or the output of an
/// <c>$apply</c> grouping. Names resolve case-insensitively (the service resolves names that way and refuses
/// aliases that differ only by case, so a match is unique).
/// </summary>
internal sealed class ColumnScope
{
    private readonly string _owner;

    public ColumnScope(string owner, IReadOnlyList<ColumnRef> columns)
    {
        _owner = owner;
        Columns = columns;
    }

    public IReadOnlyList<ColumnRef> Columns { get; }

    /// <summary>True for the output of a grouping: columns are the aliases of a subquery.</summary>
    public bool IsAggregated { get; init; }

    public static ColumnScope Of(EntitySetMap map) =>
        new(map.EntitySet, map.Properties.Select(p => new ColumnRef(p.Name, SqlIdentifier.Quote(p.Column), p.Kind, p.Nullable, p.IsCollection)).ToList());

    public ColumnRef? Find(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public ODataTranslationException Unknown(string name) => IsAggregated
        ? new ODataTranslationException(
            $"The property '{name}' is not available after the $apply grouping (available: {string.Join(", ", Columns.Select(c => c.Name))}).")
        : new ODataTranslationException($"The property '{name}' does not exist on {_owner}.");
}

/// <summary>
/// The node limit of one query option, shared by every expression of it (all of an <c>$apply</c>'s
/// transformations count against one budget).
/// </summary>
internal sealed class NodeBudget(int max, string option)
{
    private int _used;

    public string Option { get; } = option;

    public void Count(int n = 1)
    {
        _used += n;
        if (_used > max)
            throw new ODataTranslationException(ODataErrorCodes.LimitExceeded,
                $"The {Option} has more than {max.ToString(CultureInfo.InvariantCulture)} nodes, the limit (operators, properties, constants, function calls and in-list items each count as one{(Option == "$apply" ? "; so do transformations, grouping properties and aggregates" : "")}). Split the query or use fewer terms.");
    }
}
