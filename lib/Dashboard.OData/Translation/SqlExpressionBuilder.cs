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
/// the column scope's allow-list (an entity set's mapped columns, or the output of an <c>$apply</c> stage);
/// every constant becomes a new <c>@pN</c> parameter; anything else is refused.
/// </summary>
internal sealed partial class SqlExpressionBuilder
{
    private readonly ColumnScope _scope;
    private readonly Dictionary<string, object?> _parameters;
    private readonly NodeBudget _budget;
    private readonly string _option;
    private int _next;

    public SqlExpressionBuilder(EntitySetMap map, Dictionary<string, object?> parameters, int maxNodes, string option)
        : this(ColumnScope.Of(map), parameters, new NodeBudget(maxNodes, option))
    {
    }

    public SqlExpressionBuilder(ColumnScope scope, Dictionary<string, object?> parameters, NodeBudget budget)
    {
        _scope = scope;
        _parameters = parameters;
        _budget = budget;
        _option = budget.Option;
        _next = parameters.Keys.Count(k => ParamName().IsMatch(k));
    }

    [GeneratedRegex("^p[0-9]+$")]
    internal static partial Regex ParamName();

    public string Translate(QueryNode node) => Visit(node);

    private void Count(int n = 1) => _budget.Count(n);

    /// <summary>
    /// The column a property node reads, for nodes that name one (declared or open, possibly under an implicit
    /// conversion); null for other expressions. Open properties are <c>$apply</c> aliases: the parser gives
    /// them no type, so the column scope's type is the only one there is.
    /// </summary>
    public ColumnRef? ColumnOf(QueryNode node) => node switch
    {
        ConvertNode convert => ColumnOf(convert.Source),
        SingleValuePropertyAccessNode p => _scope.Find(p.Property.Name),
        SingleValueOpenPropertyAccessNode o => _scope.Find(o.Name),
        _ => null,
    };

    /// <summary>Writes <c>column = @pN</c> for a key value, converted to the column's type.</summary>
    public string KeyEquals(ColumnRef column, object? value)
    {
        Count(2);
        var converted = Value(value, null, EdmCoreModel.Instance.GetPrimitive(column.Kind, column.Nullable))
            ?? throw new ODataTranslationException($"The key property '{column.Name}' cannot be null.");
        return $"({column.Sql} = {AddParameter(converted)})";
    }

    private string Visit(QueryNode node)
    {
        switch (node)
        {
            case ConvertNode convert:
                // Implicit type promotion by the parser: invisible to the user, not counted.
                return convert.Source is ConstantNode c ? Constant(c, convert.TypeReference) : Visit(convert.Source);
            case SingleValueOpenPropertyAccessNode open:
                Count();
                return Column(open.Name);
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
        var left = Operand(node.Left, node.Right);
        var right = Operand(node.Right, node.Left);
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

    /// <summary>
    /// Visits one side of a binary operator. A constant facing an <c>$apply</c> alias takes the alias's type:
    /// the parser types such a comparison by the literal alone (<c>Total gt 1.5</c> becomes Edm.Single), and
    /// ClickHouse 18.16 has no comparison between Decimal and Float64.
    /// </summary>
    private string Operand(SingleValueNode side, SingleValueNode other)
    {
        var constant = side switch
        {
            ConstantNode c => c,
            ConvertNode { Source: ConstantNode c } => c,
            _ => null,
        };
        if (constant is not null && constant.Value is not null && IsOpen(other) && ColumnOf(other) is { } column)
        {
            Count();
            return Constant(constant, EdmCoreModel.Instance.GetPrimitive(column.Kind, true));
        }
        return Visit(side);
    }

    private static bool IsOpen(SingleValueNode node) => node switch
    {
        SingleValueOpenPropertyAccessNode => true,
        ConvertNode c => IsOpen(c.Source),
        _ => false,
    };

    private static bool IsNull(SingleValueNode node) => node switch
    {
        ConstantNode c => c.Value is null,
        ConvertNode { Source: ConstantNode c } => c.Value is null,
        _ => false,
    };

    private bool IsIntegral(SingleValueNode node) =>
        (ColumnOf(node)?.Kind ?? node.TypeReference?.PrimitiveKind()) is EdmPrimitiveTypeKind.Int64 or EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int16
            or EdmPrimitiveTypeKind.Byte or EdmPrimitiveTypeKind.SByte;

    private string Function(SingleValueFunctionCallNode call)
    {
        var args = call.Parameters.ToList();
        string Arg(int i) => Visit(args[i]);
        // The parser gives built-in function names as typed when names resolve case-insensitively.
        return call.Name.ToLowerInvariant() switch
        {
            "contains" when args.Count == 2 => $"(position({Arg(0)}, {Arg(1)}) > 0)",
            "startswith" when args.Count == 2 => $"startsWith({Arg(0)}, {Arg(1)})",
            "endswith" when args.Count == 2 => $"endsWith({Arg(0)}, {Arg(1)})",
            "year" when args.Count == 1 => $"toYear({Arg(0)})",
            "month" when args.Count == 1 => $"toMonth({Arg(0)})",
            // UTF-8 aware, so Chinese and Latin text compare alike: contains(tolower(Detail),'abc') is a case-insensitive search.
            "tolower" when args.Count == 1 => $"lowerUTF8({Arg(0)})",
            "toupper" when args.Count == 1 => $"upperUTF8({Arg(0)})",
            _ => throw NotSupported($"the function '{call.Name}' (supported: contains, startswith, endswith, tolower, toupper, year, month)"),
        };
    }

    private string In(InNode node)
    {
        var left = Visit(node.Left);
        if (node.Right is not CollectionConstantNode list)
            throw NotSupported($"'in' with anything but a literal list in {_option}");
        var values = new List<object?>(list.Collection.Count);
        var elementType = ColumnOf(node.Left) is { } column
            ? EdmCoreModel.Instance.GetPrimitive(column.Kind, true)
            : node.Left.TypeReference;
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
        var column = _scope.Find(name) ?? throw _scope.Unknown(name);
        if (column.IsCollection) throw NotSupported($"the collection property '{column.Name}' in {_option}");
        return column.Sql;
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

    internal static ODataTranslationException NotSupported(string what) =>
        new(ODataErrorCodes.NotSupported, $"The service does not support {what}.");
}
