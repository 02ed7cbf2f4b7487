using System.Globalization;
using System.Text;
using Dashboard.ClickHouse.Sql;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using Microsoft.OData.UriParser.Aggregation;

namespace Dashboard.OData.Translation;

/// <summary>
/// A relation being built: what follows FROM, the columns it offers and the conditions still to apply to it.
/// The entity set's raw rows start with the jurisdiction scope as their first condition, so every grouping
/// reads only in-scope rows.
/// </summary>
internal sealed class Relation(string from, ColumnScope scope, List<string> conditions)
{
    public string From { get; } = from;

    public ColumnScope Scope { get; } = scope;

    public List<string> Conditions { get; } = conditions;

    /// <summary>The grouping columns of the last grouping (SQL over this relation), for a stable page order.</summary>
    public IReadOnlyList<ColumnRef> GroupKeys { get; init; } = [];

    public string Where => Conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", Conditions);
}

/// <summary>
/// Turns a bound <c>$apply</c> (filter, groupby, aggregate, chained with <c>/</c>) into nested SELECTs.
/// </summary>
/// <remarks>
/// A grouping is two SELECTs: the inner one aggregates under internal aliases (<c>__g0</c>, <c>__a0</c>), the
/// outer one renames them to the public names. Internal aliases keep user aliases away from source column
/// names: ClickHouse aliases are visible across the whole SELECT, so <c>sum(value) AS value</c> or an alias
/// naming another column would change what the aggregate reads. User aliases starting with <c>__</c> are
/// therefore refused.
/// </remarks>
internal sealed class ApplyTranslator(Dictionary<string, object?> parameters, NodeBudget budget)
{
    private const string Supported = "supported: filter, groupby, aggregate";

    public Relation Apply(Relation input, ApplyClause apply)
    {
        var relation = input;
        foreach (var transformation in apply.Transformations)
        {
            budget.Count();
            switch (transformation)
            {
                case FilterTransformationNode filter:
                    relation.Conditions.Add(Builder(relation).Translate(filter.FilterClause.Expression));
                    break;
                case GroupByTransformationNode groupBy:
                    var aggregate = groupBy.ChildTransformations switch
                    {
                        null => null,
                        AggregateTransformationNode a => a,
                        var other => throw NotSupported($"the transformation {Name(other)} inside groupby ({Supported}; groupby takes only aggregate)"),
                    };
                    relation = Group(relation, groupBy.GroupingProperties.ToList(), aggregate);
                    break;
                case AggregateTransformationNode aggregateOnly:
                    relation = Group(relation, [], aggregateOnly);
                    break;
                default:
                    throw NotSupported($"the $apply transformation {Name(transformation)} ({Supported})");
            }
        }
        return relation;
    }

    private static string Name(TransformationNode node) => node.Kind switch
    {
        TransformationNodeKind.Compute => "compute",
        TransformationNodeKind.Expand => "expand",
        TransformationNodeKind.Filter => "filter",
        TransformationNodeKind.GroupBy => "groupby",
        TransformationNodeKind.Aggregate => "aggregate",
        var k => k.ToString().ToLowerInvariant(),
    };

    private SqlExpressionBuilder Builder(Relation relation) => new(relation.Scope, parameters, budget);

    private Relation Group(Relation input, List<GroupByPropertyNode> properties, AggregateTransformationNode? aggregate)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var groups = new List<ColumnRef>();
        foreach (var property in properties)
        {
            budget.Count();
            if (property.ChildTransformations is { Count: > 0 })
                throw NotSupported($"grouping by the path '{property.Name}/…' (group by properties of the entity set)");
            var column = input.Scope.Find(property.Name) ?? throw input.Scope.Unknown(property.Name);
            if (column.IsCollection)
                throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                    $"The collection property '{column.Name}' cannot be grouped by.");
            if (!names.Add(column.Name)) throw new ODataTranslationException($"groupby names '{column.Name}' twice.");
            groups.Add(column);
        }

        var aggregates = new List<(string Sql, ColumnRef Output)>();
        foreach (var expression in aggregate?.AggregateExpressions ?? [])
        {
            budget.Count();
            if (expression is not AggregateExpression a)
                throw NotSupported("aggregating a navigation property (aggregate over properties of the entity set)");
            var alias = a.Alias ?? "";
            if (!SqlIdentifier.IsValid(alias))
                throw new ODataTranslationException($"The aggregate alias '{alias}' is not a plain identifier (letters, digits and _, at most 128).");
            if (alias.StartsWith("__", StringComparison.Ordinal))
                throw new ODataTranslationException($"The aggregate alias '{alias}' is reserved: aliases must not start with '__'.");
            if (!names.Add(alias))
                throw new ODataTranslationException($"The name '{alias}' is used twice in $apply (aliases and grouping properties must differ, ignoring case).");
            aggregates.Add(Aggregate(input, a, alias, grouped: groups.Count > 0));
        }

        var inner = new StringBuilder("SELECT ");
        var items = groups.Select((g, i) => g.Sql + " AS " + Internal("g", i))
            .Concat(aggregates.Select((a, i) => a.Sql + " AS " + Internal("a", i)));
        inner.AppendJoin(", ", items).Append(" FROM ").Append(input.From).Append(input.Where);
        if (groups.Count > 0) inner.Append(" GROUP BY ").AppendJoin(", ", groups.Select(g => g.Sql));

        var outputs = groups.Select(g => g with { Sql = SqlIdentifier.Quote(g.Name) })
            .Concat(aggregates.Select(a => a.Output)).ToList();
        var renames = groups.Select((g, i) => Internal("g", i) + " AS " + SqlIdentifier.Quote(g.Name))
            .Concat(aggregates.Select((a, i) => Internal("a", i) + " AS " + SqlIdentifier.Quote(a.Output.Name)));
        var from = "(SELECT " + string.Join(", ", renames) + " FROM (" + inner + "))";
        return new Relation(from, new ColumnScope("the result of $apply", outputs) { IsAggregated = true }, [])
        {
            GroupKeys = outputs.Take(groups.Count).ToList(),
        };
    }

    private static string Internal(string kind, int i) => "`__" + kind + i.ToString(CultureInfo.InvariantCulture) + "`";

    private (string Sql, ColumnRef Output) Aggregate(Relation input, AggregateExpression a, string alias, bool grouped)
    {
        if (a.Method == AggregationMethod.VirtualPropertyCount)
            return ("toInt64(count())", new ColumnRef(alias, SqlIdentifier.Quote(alias), EdmPrimitiveTypeKind.Int64, false, false));
        if (a.Method == AggregationMethod.Custom)
            throw NotSupported($"the custom aggregation method '{a.MethodDefinition?.MethodLabel}' (supported: sum, min, max, average, countdistinct, $count)");

        var builder = Builder(input);
        var column = builder.ColumnOf(a.Expression);
        if (column is { IsCollection: true })
            throw new ODataTranslationException(ODataErrorCodes.NotSupported, $"The collection property '{column.Name}' cannot be aggregated.");
        var kind = column?.Kind ?? a.Expression.TypeReference?.PrimitiveKind() ?? EdmPrimitiveTypeKind.None;
        var nullable = column?.Nullable ?? a.Expression.TypeReference?.IsNullable ?? true;
        var x = builder.Translate(a.Expression);
        var method = a.Method.ToString().ToLowerInvariant();

        (string Sql, EdmPrimitiveTypeKind Kind) result = a.Method switch
        {
            AggregationMethod.Sum => Numeric(kind, method) switch
            {
                EdmPrimitiveTypeKind.Decimal => ($"sum({x})", EdmPrimitiveTypeKind.Decimal),
                EdmPrimitiveTypeKind.Double => ($"sum({x})", EdmPrimitiveTypeKind.Double),
                _ => ($"toInt64(sum({x}))", EdmPrimitiveTypeKind.Int64),
            },
            AggregationMethod.Min => (Comparable(kind, method, $"min({x})"), kind),
            AggregationMethod.Max => (Comparable(kind, method, $"max({x})"), kind),
            // avg on Decimal truncates to the column's scale (and is not on every server version): sum at a finer
            // scale, then divide. greatest(…, 1) keeps the divisor non-zero; an all-NULL sum stays NULL.
            AggregationMethod.Average => Numeric(kind, method) == EdmPrimitiveTypeKind.Decimal
                ? ($"(toDecimal128(sum({x}), 8) / greatest(count({x}), 1))", EdmPrimitiveTypeKind.Decimal)
                : ($"avg({x})", EdmPrimitiveTypeKind.Double),
            // 18.16 returns Nullable(UInt64) for a Nullable argument (NULL when every value is NULL).
            AggregationMethod.CountDistinct => (nullable ? $"toInt64(ifNull(uniqExact({x}), 0))" : $"toInt64(uniqExact({x}))", EdmPrimitiveTypeKind.Int64),
            _ => throw NotSupported($"the aggregation method {a.Method}"),
        };
        if (a.Method == AggregationMethod.CountDistinct)
            return (result.Sql, new ColumnRef(alias, SqlIdentifier.Quote(alias), result.Kind, false, false));

        var sql = result.Sql;
        // Over no rows OData's sum, min, max and average are null; ClickHouse gives 0 (or '') for a non-Nullable
        // argument. Only aggregate without groupby can see no rows: a group always has one.
        if (!grouped && !nullable) sql = $"if(count() = 0, NULL, {sql})";
        return (sql, new ColumnRef(alias, SqlIdentifier.Quote(alias), result.Kind, nullable || !grouped, false));
    }

    private static EdmPrimitiveTypeKind Numeric(EdmPrimitiveTypeKind kind, string method) => kind switch
    {
        EdmPrimitiveTypeKind.Decimal => EdmPrimitiveTypeKind.Decimal,
        EdmPrimitiveTypeKind.Double or EdmPrimitiveTypeKind.Single => EdmPrimitiveTypeKind.Double,
        EdmPrimitiveTypeKind.Int64 or EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int16 or EdmPrimitiveTypeKind.Byte
            or EdmPrimitiveTypeKind.SByte => EdmPrimitiveTypeKind.Int64,
        _ => throw new ODataTranslationException($"{method} needs a numeric property or expression, not {kind}."),
    };

    private static string Comparable(EdmPrimitiveTypeKind kind, string method, string sql) => kind switch
    {
        EdmPrimitiveTypeKind.None or EdmPrimitiveTypeKind.Binary or EdmPrimitiveTypeKind.Stream or EdmPrimitiveTypeKind.Boolean =>
            throw new ODataTranslationException($"{method} needs a property of a comparable type, not {kind}."),
        _ => sql,
    };

    private static ODataTranslationException NotSupported(string what) => SqlExpressionBuilder.NotSupported(what);
}
