using System.Globalization;
using System.Text;
using Dashboard.ClickHouse.Sql;
using Dashboard.OData.Model;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;

namespace Dashboard.OData.Translation;

/// <summary>
/// Translates an OData request (entity set + query options) into one ClickHouse SELECT (plus a COUNT with
/// the same WHERE for <c>$count=true</c>) and its parameters. Supported: <c>$filter</c>, <c>$select</c>,
/// <c>$orderby</c>, <c>$top</c>, <c>$skip</c>, <c>$count</c>. Not yet: <c>$apply</c> and the rest, refused
/// with <see cref="ODataErrorCodes.NotSupported"/>.
/// </summary>
/// <remarks>
/// User values never reach SQL text: each is a <c>@pN</c> parameter that the provider binds through
/// <see cref="SqlLiteral"/>. Column names come only from <see cref="EntitySetMap"/>. LIMIT and OFFSET are
/// written as literals from validated integers (18.16 needs literals there). Every refusal is an
/// <see cref="ODataTranslationException"/>; parser exceptions are wrapped, never passed through.
/// </remarks>
public sealed class ODataSqlTranslator
{
    private static readonly HashSet<string> Supported = new(StringComparer.OrdinalIgnoreCase)
    {
        "$filter", "$select", "$orderby", "$top", "$skip", "$count",
    };

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
    /// <param name="entitySet">The entity set the route resolved, e.g. <c>Observations</c>; the path must name the same set.</param>
    /// <param name="pathAndQuery">The request relative to the service root, e.g. <c>Observations?$filter=Value gt 0.5&amp;$top=10</c>.</param>
    /// <param name="scope">
    /// The mandatory jurisdiction condition, ANDed before the user's filter (see <see cref="SqlCondition"/>);
    /// null only for callers that see everything.
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
            ?? throw new ODataTranslationException($"There is no entity set named '{entitySet}'.");
        var from = source ?? map.Source
            ?? throw new ODataTranslationException(ODataErrorCodes.NotSupported, $"{entitySet} is computed per request and has no query source here.");

        var filterText = CheckOptionNames(pathAndQuery);
        if (filterText is not null) PreCountFilter(filterText);

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

        var parser = CreateParser(pathAndQuery);
        var path = Parse("the resource path", parser.ParsePath);
        if (path.Count != 1 || path.FirstSegment is not EntitySetSegment segment)
            throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                $"Only a plain entity set path is supported here ('{entitySet}'); keys, navigation and $count segments are not.");
        if (!string.Equals(segment.EntitySet.Name, entitySet, StringComparison.Ordinal))
            throw new ODataTranslationException($"The path names '{segment.EntitySet.Name}', not '{entitySet}'.");

        // Parse order per ARCHITECTURE.md: $apply first (refused above), then filter, orderby, select.
        var filter = Parse("$filter", parser.ParseFilter);
        var orderBy = Parse("$orderby", parser.ParseOrderBy);
        var select = Parse("$select", parser.ParseSelectAndExpand);
        var top = Parse("$top", parser.ParseTop);
        var skip = Parse("$skip", parser.ParseSkip);
        var count = Parse("$count", parser.ParseCount);

        if (filter is not null)
        {
            var builder = new SqlExpressionBuilder(map, parameters, _options.MaxFilterNodes, "$filter");
            conditions.Add(builder.Translate(filter.Expression));
        }
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);

        var properties = Selected(map, select);
        var orderSql = OrderBy(map, orderBy, parameters);

        if (top is < 0) throw new ODataTranslationException("$top must not be negative.");
        if (top > _options.MaxTop)
            throw new ODataTranslationException(ODataErrorCodes.LimitExceeded,
                $"$top={top.Value.ToString(CultureInfo.InvariantCulture)} is over the limit of {_options.MaxTop.ToString(CultureInfo.InvariantCulture)} rows.");
        if (skip is < 0) throw new ODataTranslationException("$skip must not be negative.");
        var pageSize = (int)Math.Min(top ?? _options.PageSize, _options.PageSize);
        var offset = skip ?? 0;

        var sql = new StringBuilder("SELECT ");
        sql.AppendJoin(", ", properties.Select(p => SqlIdentifier.Quote(p.Column) + " AS " + SqlIdentifier.Quote(p.Name)));
        sql.Append(" FROM ").Append(from).Append(where);
        sql.Append(" ORDER BY ").Append(orderSql);
        sql.Append(" LIMIT ").Append((pageSize + 1).ToString(CultureInfo.InvariantCulture));
        if (offset > 0) sql.Append(" OFFSET ").Append(offset.ToString(CultureInfo.InvariantCulture));

        var countSql = count == true ? "SELECT count() AS `Count` FROM " + from + where : null;
        return new TranslatedQuery(entitySet, sql.ToString(), countSql, parameters, properties.Select(p => p.Name).ToList(), pageSize, offset, top);
    }

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
            Resolver = new ODataUriResolver { EnableCaseInsensitive = false },
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
    /// Refuses query options the translator does not handle, by name, before any parsing; returns the
    /// unescaped <c>$filter</c> text, if any.
    /// </summary>
    private static string? CheckOptionNames(string pathAndQuery)
    {
        string? filter = null;
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        if (q < 0) return null;
        foreach (var part in pathAndQuery[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var raw = eq < 0 ? part : part[..eq];
            string name;
            try
            {
                name = Uri.UnescapeDataString(raw.Replace('+', ' ')).Trim();
            }
            catch (UriFormatException ex)
            {
                throw new ODataTranslationException($"The query option name '{raw}' is not valid.", ex);
            }
            if (string.Equals(name, "$filter", StringComparison.OrdinalIgnoreCase) && eq >= 0)
            {
                try
                {
                    filter = Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
                }
                catch (UriFormatException ex)
                {
                    throw new ODataTranslationException("The $filter is not validly escaped.", ex);
                }
            }
            if (!name.StartsWith('$') || Supported.Contains(name)) continue;
            if (string.Equals(name, "$apply", StringComparison.OrdinalIgnoreCase))
                throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                    "The query option $apply (filter, groupby, aggregate) is not supported yet.");
            throw new ODataTranslationException(ODataErrorCodes.NotSupported,
                $"The query option {name} is not supported (supported: $filter, $select, $orderby, $top, $skip, $count).");
        }
        return filter;
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

    private static List<PropertyMap> Selected(EntitySetMap map, SelectExpandClause? select)
    {
        if (select is null || select.AllSelected) return map.Properties.ToList();
        var result = new List<PropertyMap>();
        foreach (var item in select.SelectedItems)
        {
            switch (item)
            {
                case WildcardSelectItem:
                    return map.Properties.ToList();
                case PathSelectItem { SelectedPath.LastSegment: PropertySegment property } when item is PathSelectItem { SelectedPath.Count: 1 }:
                    var p = map.FindProperty(property.Property.Name)
                        ?? throw new ODataTranslationException($"The property '{property.Property.Name}' does not exist on {map.EntitySet}.");
                    if (!result.Contains(p)) result.Add(p);
                    break;
                case ExpandedNavigationSelectItem:
                    throw new ODataTranslationException(ODataErrorCodes.NotSupported, "$expand is not supported.");
                default:
                    throw new ODataTranslationException(ODataErrorCodes.NotSupported, "$select supports only property names and *.");
            }
        }
        return result.Count == 0 ? map.Properties.ToList() : result;
    }

    private string OrderBy(EntitySetMap map, OrderByClause? clause, Dictionary<string, object?> parameters)
    {
        var items = new List<string>();
        var columns = new HashSet<string>(StringComparer.Ordinal);
        for (var c = clause; c is not null; c = c.ThenBy)
        {
            if (items.Count >= _options.MaxOrderByItems)
                throw new ODataTranslationException(ODataErrorCodes.LimitExceeded,
                    $"$orderby has more than {_options.MaxOrderByItems.ToString(CultureInfo.InvariantCulture)} items, the limit.");
            var builder = new SqlExpressionBuilder(map, parameters, _options.MaxFilterNodes, "$orderby");
            var expression = builder.Translate(c.Expression);
            columns.Add(expression);
            items.Add(expression + (c.Direction == OrderByDirection.Descending ? " DESC" : " ASC"));
        }
        // Then the key, so that pages are stable.
        foreach (var key in map.Key)
        {
            var column = SqlIdentifier.Quote(map.FindProperty(key)!.Column);
            if (columns.Add(column)) items.Add(column + " ASC");
        }
        return string.Join(", ", items);
    }
}
