using System.Globalization;
using System.Text;
using Dashboard.ClickHouse.Sql;
using Dashboard.OData.Model;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;

namespace Dashboard.OData.Translation;

/// <summary>
/// Translates an OData request (entity set, key or <c>/$count</c> path + query options) into one ClickHouse
/// SELECT (plus a COUNT with the same WHERE for <c>$count=true</c>) and its parameters. Supported:
/// <c>$apply</c> (filter, groupby, aggregate with sum, min, max, average, countdistinct and <c>$count</c>),
/// <c>$filter</c>, <c>$select</c>, <c>$orderby</c>, <c>$top</c>, <c>$skip</c>, <c>$count</c>, key lookups
/// (<c>Regions('320583')</c>) and the <c>/$count</c> segment. Names of sets, properties and functions resolve
/// case-insensitively. Anything else is refused with <see cref="ODataErrorCodes.NotSupported"/>.
/// </summary>
/// <remarks>
/// User values never reach SQL text: each is a <c>@pN</c> parameter that the provider binds through
/// <see cref="SqlLiteral"/>. Column names come only from <see cref="EntitySetMap"/>; <c>$apply</c> aliases are
/// checked as plain identifiers and quoted. LIMIT and OFFSET are written as literals from validated integers
/// (18.16 needs literals there). The jurisdiction scope is a condition on the raw rows, applied before any
/// <c>$apply</c> filter or grouping. Every refusal is an <see cref="ODataTranslationException"/>; parser
/// exceptions are wrapped, never passed through.
/// </remarks>
public sealed class ODataSqlTranslator
{
    private static readonly HashSet<string> Supported = new(StringComparer.OrdinalIgnoreCase)
    {
        "$apply", "$filter", "$select", "$orderby", "$top", "$skip", "$count",
    };

    private static readonly HashSet<string> Transformations = new(StringComparer.Ordinal) { "filter", "groupby", "aggregate" };

    private readonly IEdmModel _model;
    private readonly IReadOnlyList<EntitySetMap> _maps;
    private readonly ODataTranslatorOptions _options;

    /// <summary>A translator over the contract's model (<see cref="EdmModelBuilder.Model"/>, <see cref="EntitySetMaps.All"/>).</summary>
    public ODataSqlTranslator(ODataTranslatorOptions? options = null)
        : this(EdmModelBuilder.Model, EntitySetMaps.All, options)
    {
    }

    /// <summary>A translator over a model built from <paramref name="maps"/> by <see cref="EdmModelBuilder.Build"/>.</summary>
    public ODataSqlTranslator(IEdmModel model, IEnumerable<EntitySetMap> maps, ODataTranslatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(maps);
        _model = model;
        _maps = maps.ToList();
        _options = options ?? new ODataTranslatorOptions();
        if (_options.PageSize < 1 || _options.MaxTop < 0 || _options.MaxFilterNodes < 1 || _options.MaxOrderByItems < 1)
            throw new ArgumentException("PageSize, MaxFilterNodes and MaxOrderByItems must be positive and MaxTop non-negative.", nameof(options));
    }

    /// <summary>The limits in force.</summary>
    public ODataTranslatorOptions Options => _options;

    /// <summary>Translates a request.</summary>
    /// <param name="entitySet">The entity set the route resolved, e.g. <c>Observations</c> (any letter case); the path must name the same set.</param>
    /// <param name="pathAndQuery">
    /// The request relative to the service root, e.g. <c>Observations?$filter=Value gt 0.5&amp;$top=10</c>,
    /// <c>Regions('320583')</c> or <c>Observations/$count?$filter=…</c>.
    /// </param>
    /// <param name="scope">
    /// The mandatory jurisdiction condition over the set's source columns, ANDed before the user's filter and
    /// before any <c>$apply</c> grouping (see <see cref="SqlCondition"/>); null only for callers that see everything.
    /// </param>
    /// <param name="source">
    /// Code-built SQL to read instead of the map's source (a table or parenthesised subquery); required for sets
    /// whose map has no source (Scorecard, computed per as-of date).
    /// </param>
    /// <exception cref="ODataTranslationException">The request is invalid, unsupported or over a limit.</exception>
    public TranslatedQuery Translate(string entitySet, string pathAndQuery, SqlCondition? scope = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(entitySet);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var map = _maps.FirstOrDefault(m => string.Equals(m.EntitySet, entitySet, StringComparison.Ordinal))
            ?? _maps.FirstOrDefault(m => string.Equals(m.EntitySet, entitySet, StringComparison.OrdinalIgnoreCase))
            ?? throw new ODataTranslationException($"There is no entity set named '{entitySet}'.");
        var from = source ?? map.Source
            ?? throw new ODataTranslationException(ODataErrorCodes.NotSupported, $"{map.EntitySet} is computed per request and has no query source here.");

        var request = ReadQuery(map, pathAndQuery);
        if (request.Filter is not null) PreCountFilter(request.Filter);

        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal);
        var conditions = new List<string>();
        if (scope is not null)
        {
            foreach (var (name, value) in scope.Parameters)
            {
                if (!SqlIdentifier.IsValid(name) || SqlExpressionBuilder.ParamName().IsMatch(name))
                    throw new ArgumentException($"Scope parameter name '{name}' is not a plain identifier or is reserved (p<digits>).", nameof(scope));
                parameters.Add(name, value);
            }
            conditions.Add("(" + scope.Sql + ")");
        }

        var parser = CreateParser(request.PathAndQuery);
        var path = Parse("the resource path", parser.ParsePath);
        if (path.FirstSegment is not EntitySetSegment segment)
            throw new ODataTranslationException(ODataErrorCodes.NotSupported, "The path must start with an entity set.");
        if (!string.Equals(segment.EntitySet.Name, map.EntitySet, StringComparison.Ordinal))
            throw new ODataTranslationException($"The path names '{segment.EntitySet.Name}', not '{map.EntitySet}'.");
        var segments = path.ToList();
        var shape = segments switch
        {
            [EntitySetSegment] => QueryShape.Collection,
            [EntitySetSegment, KeySegment] => QueryShape.Entity,
            [EntitySetSegment, CountSegment] => QueryShape.Count,
            [EntitySetSegment, KeySegment, PropertySegment p, ..] => throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                $"Reading a single property ('{p.Property.Name}') of an entity is not supported; use {map.EntitySet}(…)?$select={p.Property.Name}."),
            _ => throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                $"Only {map.EntitySet}, {map.EntitySet}(key) and {map.EntitySet}/$count are supported as paths; navigation and other segments are not."),
        };

        // Parse order per ARCHITECTURE.md: $apply first, then filter, orderby, select (aliases bind only after $apply).
        var apply = Parse("$apply", parser.ParseApply);
        var filter = Parse("$filter", parser.ParseFilter);
        var orderBy = Parse("$orderby", parser.ParseOrderBy);
        var select = Parse("$select", parser.ParseSelectAndExpand);
        var top = Parse("$top", parser.ParseTop);
        var skip = Parse("$skip", parser.ParseSkip);
        var count = Parse("$count", parser.ParseCount);

        var relation = new Relation(from, ColumnScope.Of(map), conditions);
        if (apply is not null)
        {
            if (shape == QueryShape.Entity)
                throw new ODataTranslationException(ODataErrorCodes.NotSupported, "$apply applies to a collection, not to a single entity.");
            relation = new ApplyTranslator(parameters, new NodeBudget(_options.MaxFilterNodes, "$apply")).Apply(relation, apply);
        }

        if (shape == QueryShape.Entity)
            return Entity(map, relation, (KeySegment)segments[1], parameters, filter, orderBy, select, top, skip, count);

        if (filter is not null)
            relation.Conditions.Add(new SqlExpressionBuilder(relation.Scope, parameters, new NodeBudget(_options.MaxFilterNodes, "$filter")).Translate(filter.Expression));

        if (shape == QueryShape.Count)
        {
            if (orderBy is not null || select is not null || top is not null || skip is not null || count is not null)
                throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                    "With the /$count segment only $filter and $apply are supported ($orderby, $select, $top, $skip and $count are not).");
            return new TranslatedQuery(map.EntitySet, CountStatement(relation), null, parameters, ["Count"], 1, 0, null)
            {
                Shape = QueryShape.Count,
                Columns = [new OutputColumn("Count", EdmPrimitiveTypeKind.Int64, false, false)],
            };
        }

        var columns = Selected(relation.Scope, select);
        var orderSql = OrderBy(map, relation, orderBy, parameters);

        if (top is < 0) throw new ODataTranslationException("$top must not be negative.");
        if (top > _options.MaxTop)
            throw new ODataTranslationException(ODataErrorCodes.LimitExceeded,
                $"$top={top.Value.ToString(CultureInfo.InvariantCulture)} is over the limit of {_options.MaxTop.ToString(CultureInfo.InvariantCulture)} rows.");
        if (skip is < 0) throw new ODataTranslationException("$skip must not be negative.");
        var pageSize = (int)Math.Min(top ?? _options.PageSize, _options.PageSize);
        var offset = skip ?? 0;

        var sql = new StringBuilder("SELECT ");
        sql.AppendJoin(", ", columns.Select(SelectItem));
        sql.Append(" FROM ").Append(relation.From).Append(relation.Where);
        if (orderSql.Length > 0) sql.Append(" ORDER BY ").Append(orderSql);
        sql.Append(" LIMIT ").Append((pageSize + 1).ToString(CultureInfo.InvariantCulture));
        if (offset > 0) sql.Append(" OFFSET ").Append(offset.ToString(CultureInfo.InvariantCulture));

        var countSql = count == true ? CountStatement(relation) : null;
        return new TranslatedQuery(map.EntitySet, sql.ToString(), countSql, parameters, columns.Select(p => p.Name).ToList(), pageSize, offset, top)
        {
            Shape = QueryShape.Collection,
            Columns = columns.Select(c => c.ToOutput()).ToList(),
            ContextFragment = Context(map, relation, columns, select),
        };
    }

    private TranslatedQuery Entity(EntitySetMap map, Relation relation, KeySegment key, Dictionary<string, object?> parameters,
        FilterClause? filter, OrderByClause? orderBy, SelectExpandClause? select, long? top, long? skip, bool? count)
    {
        if (filter is not null || orderBy is not null || top is not null || skip is not null || count is not null)
            throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                "A key lookup supports only $select ($filter, $orderby, $top, $skip and $count apply to collections).");
        var builder = new SqlExpressionBuilder(relation.Scope, parameters, new NodeBudget(_options.MaxFilterNodes, "key"));
        var values = key.Keys.ToList();
        foreach (var name in map.Key)
        {
            var match = values.Where(k => string.Equals(k.Key, name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (match.Count != 1) throw new ODataTranslationException($"The key of {map.EntitySet} needs exactly one value for '{name}'.");
            relation.Conditions.Add(builder.KeyEquals(relation.Scope.Find(name)!, match[0].Value));
        }
        if (values.Count != map.Key.Count)
            throw new ODataTranslationException($"The key of {map.EntitySet} is ({string.Join(", ", map.Key)}).");

        var columns = Selected(relation.Scope, select);
        var sql = "SELECT " + string.Join(", ", columns.Select(SelectItem)) + " FROM " + relation.From + relation.Where + " LIMIT 1";
        var context = Context(map, relation, columns, select) + "/$entity";
        return new TranslatedQuery(map.EntitySet, sql, null, parameters, columns.Select(c => c.Name).ToList(), 1, 0, null)
        {
            Shape = QueryShape.Entity,
            Columns = columns.Select(c => c.ToOutput()).ToList(),
            ContextFragment = context,
        };
    }

    private static string CountStatement(Relation relation) => "SELECT count() AS `Count` FROM " + relation.From + relation.Where;

    private static string SelectItem(ColumnRef c)
    {
        var alias = SqlIdentifier.Quote(c.Name);
        // Columns of an $apply subquery already carry the public name: no alias (an alias equal to its column
        // name trips the 18.16 analyser).
        return c.Sql == alias ? alias : c.Sql + " AS " + alias;
    }

    private static string Context(EntitySetMap map, Relation relation, List<ColumnRef> columns, SelectExpandClause? select)
    {
        var all = !relation.Scope.IsAggregated
            && (select is null || select.AllSelected || select.SelectedItems.Any(i => i is WildcardSelectItem));
        return all ? map.EntitySet : map.EntitySet + "(" + string.Join(",", columns.Select(c => c.Name)) + ")";
    }

    /// <summary>The request's query options, checked by name; with <c>$apply</c>, names respelled canonically.</summary>
    private sealed record QueryRequest(string PathAndQuery, string? Filter);

    private ODataUriParser CreateParser(string pathAndQuery)
    {
        Uri relative;
        try
        {
            relative = new Uri(pathAndQuery.TrimStart('/'), UriKind.Relative);
        }
        catch (UriFormatException ex)
        {
            throw new ODataTranslationException($"The request URI is not valid: {ex.Message}", ex);
        }
        return new ODataUriParser(_model, relative)
        {
            Resolver = new ODataUriResolver { EnableCaseInsensitive = true },
        };
    }

    private static T Parse<T>(string option, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ODataTranslationException)
        {
            throw;
        }
        // Microsoft.OData's parser reports malformed or unsupported input not only as ODataException but
        // also as these framework exceptions (NotImplementedException for syntax it does not implement):
        // all are the caller's input, a 400 with the parser's message, never a 500.
        catch (Exception ex) when (ex is ODataException or ArgumentException or FormatException or OverflowException
                                       or InvalidOperationException or NotSupportedException or NotImplementedException
                                       or InvalidCastException or IndexOutOfRangeException or NullReferenceException)
        {
            throw new ODataTranslationException($"Invalid {option}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Refuses query options the translator does not handle, by name, before any parsing; checks the
    /// <c>$apply</c> text for transformations it does not handle; returns the unescaped <c>$filter</c> text, if
    /// any, and the request to parse (with <c>$apply</c>, names respelled in canonical case, because the
    /// parser matches names after a grouping case-sensitively).
    /// </summary>
    private static QueryRequest ReadQuery(EntitySetMap map, string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        if (q < 0) return new QueryRequest(pathAndQuery, null);
        var parts = new List<(string Name, string Raw, string? Value)>();
        foreach (var part in pathAndQuery[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var raw = eq < 0 ? part : part[..eq];
            var name = Unescape(raw, $"The query option name '{raw}' is not valid.").Trim();
            if (name.StartsWith('$') && !Supported.Contains(name))
                throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                    $"The query option {name} is not supported (supported: $apply, $filter, $select, $orderby, $top, $skip, $count).");
            parts.Add((name, part, eq < 0 ? null : Unescape(part[(eq + 1)..], $"The {name} is not validly escaped.")));
        }
        string? Value(string option) =>
            parts.LastOrDefault(p => string.Equals(p.Name, option, StringComparison.OrdinalIgnoreCase) && p.Value is not null).Value;

        var apply = Value("$apply");
        if (apply is null) return new QueryRequest(pathAndQuery, Value("$filter"));
        CheckApply(map, apply);

        var names = map.Properties.Select(p => p.Name).Concat(QueryText.Aliases(apply)).ToList();
        var query = parts.Select(p =>
            p.Value is not null && p.Name.ToLowerInvariant() is "$apply" or "$filter" or "$orderby" or "$select"
                ? p.Name + "=" + Uri.EscapeDataString(QueryText.Canonicalize(p.Value, names))
                : p.Raw);
        var filter = Value("$filter");
        return new QueryRequest(pathAndQuery[..q] + "?" + string.Join("&", query), filter is null ? null : QueryText.Canonicalize(filter, names));
    }

    private static string Unescape(string text, string error)
    {
        try
        {
            return Uri.UnescapeDataString(text.Replace('+', ' '));
        }
        catch (UriFormatException ex)
        {
            throw new ODataTranslationException(error, ex);
        }
    }

    /// <summary>
    /// Names what the parser would reject with a generic syntax message (or a NullReferenceException):
    /// transformations other than filter, groupby and aggregate, rollup, and collection properties.
    /// </summary>
    private static void CheckApply(EntitySetMap map, string apply)
    {
        foreach (var word in QueryText.Words(apply))
        {
            if (word.Depth == 0 && !word.AfterDollar && !Transformations.Contains(word.Text))
                throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                    $"The $apply transformation '{word.Text}' is not supported (supported: filter, groupby, aggregate).");
            if (word.Depth > 0 && string.Equals(word.Text, "rollup", StringComparison.OrdinalIgnoreCase))
                throw new ODataTranslationException(ODataErrorCodes.NotSupported, "groupby with rollup is not supported.");
            if (string.Equals(word.Previous, "as", StringComparison.Ordinal)) continue;
            var property = map.Properties.FirstOrDefault(p => p.IsCollection && string.Equals(p.Name, word.Text, StringComparison.OrdinalIgnoreCase));
            if (property is not null)
                throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                    $"The collection property '{property.Name}' cannot be grouped, filtered or aggregated in $apply.");
        }
    }

    /// <summary>
    /// Counts the tokens of the $filter text (names, keywords, operators and literals outside parentheses and
    /// commas) before parsing. Each token is one node of the bound tree, so a filter over the node limit is
    /// refused here with the limit's message, before the parser's own recursion limit can fire on a long
    /// <c>or</c> chain. The walk over the bound tree counts again and stays the authoritative check.
    /// </summary>
    private void PreCountFilter(string filter)
    {
        var tokens = 0;
        var i = 0;
        while (i < filter.Length)
        {
            var c = filter[i];
            if (char.IsWhiteSpace(c) || c is '(' or ')' or ',')
            {
                i++;
                continue;
            }
            tokens++;
            if (tokens > _options.MaxFilterNodes)
                throw new ODataTranslationException(ODataErrorCodes.LimitExceeded,
                    $"The $filter has more than {_options.MaxFilterNodes.ToString(CultureInfo.InvariantCulture)} nodes, the limit (operators, properties, constants, function calls and in-list items each count as one). Split the query or use fewer terms.");
            if (c == '\'')
            {
                i++;
                while (i < filter.Length)
                {
                    if (filter[i] == '\'' && (i + 1 >= filter.Length || filter[i + 1] != '\'')) break;
                    i += filter[i] == '\'' ? 2 : 1;
                }
                i++;
                continue;
            }
            while (i < filter.Length && !char.IsWhiteSpace(filter[i]) && filter[i] is not ('(' or ')' or ',' or '\'')) i++;
        }
    }

    private static List<ColumnRef> Selected(ColumnScope scope, SelectExpandClause? select)
    {
        if (select is null || select.AllSelected) return scope.Columns.ToList();
        var result = new List<ColumnRef>();
        foreach (var item in select.SelectedItems)
        {
            switch (item)
            {
                case WildcardSelectItem:
                    return scope.Columns.ToList();
                case PathSelectItem { SelectedPath.Count: 1 } path when path.SelectedPath.LastSegment is PropertySegment or DynamicPathSegment:
                    var name = path.SelectedPath.LastSegment is PropertySegment property ? property.Property.Name : path.SelectedPath.LastSegment.Identifier;
                    var column = scope.Find(name) ?? throw scope.Unknown(name);
                    if (!result.Contains(column)) result.Add(column);
                    break;
                case ExpandedNavigationSelectItem:
                    throw new ODataTranslationException(ODataErrorCodes.NotSupported, "$expand is not supported.");
                default:
                    throw new ODataTranslationException(ODataErrorCodes.NotSupported, "$select supports only property names and *.");
            }
        }
        return result.Count == 0 ? scope.Columns.ToList() : result;
    }

    private string OrderBy(EntitySetMap map, Relation relation, OrderByClause? clause, Dictionary<string, object?> parameters)
    {
        var items = new List<string>();
        var columns = new HashSet<string>(StringComparer.Ordinal);
        var budget = new NodeBudget(_options.MaxFilterNodes, "$orderby");
        for (var c = clause; c is not null; c = c.ThenBy)
        {
            if (items.Count >= _options.MaxOrderByItems)
                throw new ODataTranslationException(ODataErrorCodes.LimitExceeded,
                    $"$orderby has more than {_options.MaxOrderByItems.ToString(CultureInfo.InvariantCulture)} items, the limit.");
            var builder = new SqlExpressionBuilder(relation.Scope, parameters, budget);
            var expression = builder.Translate(c.Expression);
            columns.Add(expression);
            items.Add(expression + (c.Direction == OrderByDirection.Descending ? " DESC" : " ASC"));
        }
        // Then the key (after a grouping: every grouping column), so that pages are stable.
        var keys = relation.Scope.IsAggregated ? relation.GroupKeys : map.Key.Select(k => relation.Scope.Find(k)!).ToList();
        foreach (var key in keys)
        {
            if (columns.Add(key.Sql)) items.Add(key.Sql + " ASC");
        }
        return string.Join(", ", items);
    }
}
