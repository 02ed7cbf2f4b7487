using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.ClickHouse.Sql;
using Dashboard.OData.Model;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;

namespace Dashboard.OData.Translation;

/// <summary>
/// Walks a bound OData expression tree and writes ClickHouse SQL. Properties become back-quoted columns from
/// the entity set's allow-list; every constant becomes a new <c>@pN</c> parameter; anything else is refused.
/// </summary>
internal sealed partial class SqlExpressionBuilder
{
    private readonly EntitySetMap _map;
    private readonly Dictionary<string, object?> _parameters;
    private readonly int _maxNodes;
    private readonly string _option;
    private int _nodes;
    private int _next;

    public SqlExpressionBuilder(EntitySetMap map, Dictionary<string, object?> parameters, int maxNodes, string option)
    {
        _map = map;
        _parameters = parameters;
        _maxNodes = maxNodes;
        _option = option;
        _next = parameters.Keys.Count(k => ParamName().IsMatch(k));
    }

    [GeneratedRegex("^p[0-9]+$")]
    internal static partial Regex ParamName();

    public string Translate(QueryNode node) => Visit(node);

    private void Count(int n = 1)
    {
        _nodes += n;
        if (_nodes > _maxNodes)
            throw new ODataTranslationException(ODataErrorCodes.LimitExceeded,
                $"The {_option} has more than {_maxNodes} nodes, the limit (operators, properties, constants, function calls and in-list items each count as one). Split the query or use fewer terms.");
    }

    private string Visit(QueryNode node)
    {
        switch (node)
        {
            case ConvertNode convert:
                // Implicit type promotion by the parser: invisible to the user, not counted.
                return convert.Source is ConstantNode c ? Constant(c, convert.TypeReference) : Visit(convert.Source);
            case BinaryOperatorNode binary:
                Count();
                return Binary(binary);
            case UnaryOperatorNode unary:
                Count();
                var operand = Visit(unary.Operand);
                return unary.OperatorKind switch
                {
                    UnaryOperatorKind.Not => $"(NOT {operand})",
                    UnaryOperatorKind.Negate => $"(-{operand})",
                    _ => throw NotSupported($"the unary operator {unary.OperatorKind}"),
                };
            case SingleValuePropertyAccessNode property:
                Count();
                return Column(property.Property.Name);
            case ConstantNode constant:
                Count();
                return Constant(constant, constant.TypeReference);
            case SingleValueFunctionCallNode call:
                Count();
                return Function(call);
            case InNode inNode:
                Count();
                return In(inNode);
            case SingleValueOpenPropertyAccessNode open:
                throw new ODataTranslationException($"The property '{open.Name}' does not exist on {_map.EntitySet}.");
            case CollectionPropertyAccessNode collection:
                throw NotSupported($"the collection property '{collection.Property.Name}' in {_option}");
            case CollectionNode:
                throw NotSupported($"collection expressions (any, all, lambda) in {_option}");
            default:
                throw NotSupported($"the expression kind {node.Kind} in {_option}");
        }
    }

    private string Binary(BinaryOperatorNode node)
    {
        // `x eq null` / `x ne null`: SQL needs isNull / isNotNull.
        if (node.OperatorKind is BinaryOperatorKind.Equal or BinaryOperatorKind.NotEqual)
        {
            var nullSide = IsNull(node.Right) ? node.Left : IsNull(node.Left) ? node.Right : null;
            if (nullSide is not null)
            {
                Count(); // the null constant
                var operand = Visit(nullSide);
                return node.OperatorKind == BinaryOperatorKind.Equal ? $"isNull({operand})" : $"isNotNull({operand})";
            }
        }
        var left = Visit(node.Left);
        var right = Visit(node.Right);
        return node.OperatorKind switch
        {
            BinaryOperatorKind.Or => $"({left} OR {right})",
            BinaryOperatorKind.And => $"({left} AND {right})",
            BinaryOperatorKind.Equal => $"({left} = {right})",
            BinaryOperatorKind.NotEqual => $"({left} != {right})",
            BinaryOperatorKind.GreaterThan => $"({left} > {right})",
            BinaryOperatorKind.GreaterThanOrEqual => $"({left} >= {right})",
            BinaryOperatorKind.LessThan => $"({left} < {right})",
            BinaryOperatorKind.LessThanOrEqual => $"({left} <= {right})",
            BinaryOperatorKind.Add => $"({left} + {right})",
            BinaryOperatorKind.Subtract => $"({left} - {right})",
            BinaryOperatorKind.Multiply => $"({left} * {right})",
            // OData integer division truncates; ClickHouse's / always gives Float64 for integers.
            BinaryOperatorKind.Divide => IsIntegral(node.Left) && IsIntegral(node.Right) ? $"intDiv({left}, {right})" : $"({left} / {right})",
            BinaryOperatorKind.Modulo => $"({left} % {right})",
            _ => throw NotSupported($"the operator {node.OperatorKind}"),
        };
    }

    private static bool IsNull(SingleValueNode node) => node switch
    {
        ConstantNode c => c.Value is null,
        ConvertNode { Source: ConstantNode c } => c.Value is null,
        _ => false,
    };

    private static bool IsIntegral(SingleValueNode node) =>
        node.TypeReference?.PrimitiveKind() is EdmPrimitiveTypeKind.Int64 or EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int16
            or EdmPrimitiveTypeKind.Byte or EdmPrimitiveTypeKind.SByte;

    private string Function(SingleValueFunctionCallNode call)
    {
        var args = call.Parameters.ToList();
        string Arg(int i) => Visit(args[i]);
        return call.Name switch
        {
            "contains" when args.Count == 2 => $"(position({Arg(0)}, {Arg(1)}) > 0)",
            "startswith" when args.Count == 2 => $"startsWith({Arg(0)}, {Arg(1)})",
            "endswith" when args.Count == 2 => $"endsWith({Arg(0)}, {Arg(1)})",
            "year" when args.Count == 1 => $"toYear({Arg(0)})",
            "month" when args.Count == 1 => $"toMonth({Arg(0)})",
            _ => throw NotSupported($"the function '{call.Name}' (supported: contains, startswith, endswith, year, month)"),
        };
    }

    private string In(InNode node)
    {
        var left = Visit(node.Left);
        if (node.Right is not CollectionConstantNode list)
            throw NotSupported($"'in' with anything but a literal list in {_option}");
        var values = new List<object?>(list.Collection.Count);
        var elementType = node.Left.TypeReference;
        foreach (var item in list.Collection)
        {
            Count();
            var value = Value(item.Value, item.LiteralText, elementType);
            if (value is null) throw NotSupported($"null in an 'in' list in {_option}: use 'eq null'");
            values.Add(value);
        }
        return $"({left} IN {AddParameter(values.ToArray())})";
    }

    private string Column(string name)
    {
        var p = _map.FindProperty(name)
            ?? throw new ODataTranslationException($"The property '{name}' does not exist on {_map.EntitySet}.");
        if (p.IsCollection) throw NotSupported($"the collection property '{name}' in {_option}");
        return SqlIdentifier.Quote(p.Column);
    }

    private string Constant(ConstantNode node, IEdmTypeReference? target)
    {
        var value = Value(node.Value, node.LiteralText, target ?? node.TypeReference);
        return value is null ? "NULL" : AddParameter(value);
    }

    private string AddParameter(object value)
    {
        var name = "p" + _next.ToString(CultureInfo.InvariantCulture);
        _next++;
        _parameters.Add(name, value);
        return "@" + name;
    }

    /// <summary>Converts a parsed OData constant to a CLR value that SqlLiteral formats, in the target type.</summary>
    private object? Value(object? value, string? literalText, IEdmTypeReference? target)
    {
        var kind = target?.PrimitiveKind() ?? EdmPrimitiveTypeKind.None;
        return value switch
        {
            null => null,
            ODataEnumValue e => e.Value,
            string s => s,
            bool b => b,
            Date d => new DateOnly(d.Year, d.Month, d.Day),
            DateTimeOffset dto => dto.UtcDateTime,
            decimal m => kind == EdmPrimitiveTypeKind.Double || kind == EdmPrimitiveTypeKind.Single ? (double)m : m,
            double or float when kind == EdmPrimitiveTypeKind.Decimal => ToDecimal(value, literalText),
            double d => d,
            float f => (double)f,
            int or long or short or byte or sbyte when kind == EdmPrimitiveTypeKind.Decimal =>
                Convert.ToDecimal(value, CultureInfo.InvariantCulture),
            int or long or short or byte or sbyte when kind is EdmPrimitiveTypeKind.Double or EdmPrimitiveTypeKind.Single =>
                Convert.ToDouble(value, CultureInfo.InvariantCulture),
            int or long or short or byte or sbyte => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            _ => throw NotSupported($"literals of type {target?.FullName() ?? value.GetType().Name} in {_option}"),
        };
    }

    private decimal ToDecimal(object value, string? literalText)
    {
        // Prefer the literal text, so no digit passes through binary floating point.
        var text = literalText?.TrimEnd('d', 'D', 'f', 'F', 'm', 'M');
        if (text is not null && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m)) return m;
        try
        {
            return Convert.ToDecimal(value, CultureInfo.InvariantCulture);
        }
        catch (OverflowException ex)
        {
            throw new ODataTranslationException($"The number {literalText} in {_option} is out of range for a decimal.", ex);
        }
    }

    private static ODataTranslationException NotSupported(string what) =>
        new(ODataErrorCodes.NotSupported, $"The service does not support {what}.");
}
