using System.Collections;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Dashboard.ClickHouse.Ado;

/// <summary>A named value that becomes an escaped literal where the command text says <c>@name</c>.</summary>
public sealed class ClickHouseParameter : DbParameter
{
    private string _name = "";
    private DbType? _dbType;

    /// <summary>Creates an unnamed parameter.</summary>
    public ClickHouseParameter() { }

    /// <summary>Creates a parameter with a name (with or without the leading <c>@</c>) and a value.</summary>
    public ClickHouseParameter(string name, object? value)
    {
        ParameterName = name;
        Value = value;
    }

    /// <inheritdoc />
    public override DbType DbType { get => _dbType ?? DbType.Object; set => _dbType = value; }

    /// <summary>The explicitly set type, if any; it steers literal formatting (e.g. Date vs DateTime).</summary>
    internal DbType? ExplicitDbType => _dbType;

    /// <inheritdoc />
    public override ParameterDirection Direction
    {
        get => ParameterDirection.Input;
        set
        {
            if (value != ParameterDirection.Input) throw new NotSupportedException("ClickHouse parameters are input only.");
        }
    }

    /// <inheritdoc />
    public override bool IsNullable { get; set; }

    /// <inheritdoc />
    [AllowNull]
    public override string ParameterName { get => _name; set => _name = (value ?? "").TrimStart('@'); }

    /// <inheritdoc />
    [AllowNull]
    public override string SourceColumn { get; set; } = "";

    /// <inheritdoc />
    public override object? Value { get; set; }

    /// <inheritdoc />
    public override bool SourceColumnNullMapping { get; set; }

    /// <inheritdoc />
    public override int Size { get; set; }

    /// <inheritdoc />
    public override void ResetDbType() => _dbType = null;
}

/// <summary>The parameters of a <see cref="ClickHouseCommand"/>, looked up by name without regard to case.</summary>
public sealed class ClickHouseParameterCollection : DbParameterCollection
{
    private readonly List<ClickHouseParameter> _items = [];

    /// <inheritdoc />
    public override int Count => _items.Count;

    /// <inheritdoc />
    public override object SyncRoot => ((ICollection)_items).SyncRoot;

    /// <summary>Adds a parameter with a name and value.</summary>
    public ClickHouseParameter AddWithValue(string name, object? value)
    {
        var p = new ClickHouseParameter(name, value);
        _items.Add(p);
        return p;
    }

    /// <inheritdoc />
    public override int Add(object value)
    {
        _items.Add(Cast(value));
        return _items.Count - 1;
    }

    /// <inheritdoc />
    public override void AddRange(Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var v in values) Add(v!);
    }

    /// <inheritdoc />
    public override void Clear() => _items.Clear();

    /// <inheritdoc />
    public override bool Contains(object value) => value is ClickHouseParameter p && _items.Contains(p);

    /// <inheritdoc />
    public override bool Contains(string value) => IndexOf(value) >= 0;

    /// <inheritdoc />
    public override void CopyTo(Array array, int index) => ((ICollection)_items).CopyTo(array, index);

    /// <inheritdoc />
    public override IEnumerator GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc />
    public override int IndexOf(object value) => value is ClickHouseParameter p ? _items.IndexOf(p) : -1;

    /// <inheritdoc />
    public override int IndexOf(string parameterName)
    {
        var name = parameterName?.TrimStart('@') ?? "";
        return _items.FindIndex(p => string.Equals(p.ParameterName, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <inheritdoc />
    public override void Insert(int index, object value) => _items.Insert(index, Cast(value));

    /// <inheritdoc />
    public override void Remove(object value) => _items.Remove(Cast(value));

    /// <inheritdoc />
    public override void RemoveAt(int index) => _items.RemoveAt(index);

    /// <inheritdoc />
    public override void RemoveAt(string parameterName) => _items.RemoveAt(IndexOf(parameterName));

    /// <inheritdoc />
    protected override DbParameter GetParameter(int index) => _items[index];

    /// <inheritdoc />
    protected override DbParameter GetParameter(string parameterName) =>
        IndexOf(parameterName) is var i and >= 0 ? _items[i] : throw new IndexOutOfRangeException($"No parameter named {parameterName}.");

    /// <inheritdoc />
    protected override void SetParameter(int index, DbParameter value) => _items[index] = Cast(value);

    /// <inheritdoc />
    protected override void SetParameter(string parameterName, DbParameter value) => _items[IndexOf(parameterName)] = Cast(value);

    internal ClickHouseParameter? Find(string name) => IndexOf(name) is var i and >= 0 ? _items[i] : null;

    private static ClickHouseParameter Cast(object value) =>
        value as ClickHouseParameter ?? throw new ArgumentException($"Expected a ClickHouseParameter, got {value?.GetType().Name ?? "null"}.", nameof(value));
}
