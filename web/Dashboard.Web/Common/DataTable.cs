using System.Globalization;

namespace Dashboard.Web.Common;

/// <summary>A column of a <see cref="DataTable"/>.</summary>
public sealed record Column(string Key, string Title, bool Numeric = false);

/// <summary>
/// A cell: the text shown (and written to CSV), the value it sorts by, and optionally a link, a CSS class
/// and a prefix mark (a status symbol) that is shown but not exported.
/// </summary>
public sealed record Cell(string Text, IComparable? Sort = null, string? Href = null, string? Css = null)
{
    public static implicit operator Cell(string text) => new(text);

    public static Cell Number(decimal? value, string text) => new(text, value);
}

/// <summary>
/// The numbers behind a table or a chart. Sorting and filtering happen on the server from the query string
/// (<c>s_{id}</c>, <c>d_{id}</c>, <c>q_{id}</c>), so a link reproduces exactly what was shown and the CSV
/// download exports the same rows.
/// </summary>
public sealed class DataTable(string id, string caption, IReadOnlyList<Column> columns)
{
    public string Id { get; } = id;
    public string Caption { get; } = caption;
    public IReadOnlyList<Column> Columns { get; } = columns;
    public List<Cell[]> Rows { get; } = [];

    /// <summary>Rows after the request's filter and sort.</summary>
    public IReadOnlyList<Cell[]> View { get; private set; } = [];

    public string? Filter { get; private set; }
    public string? SortKey { get; private set; }
    public bool Descending { get; private set; }

    /// <summary>
    /// The api already filtered, sorted and paged the rows by this table's parameters (the audit trail): Apply only
    /// records them, so the page shows the api's order and the filter box and sort links still work.
    /// </summary>
    public bool ServerSide { get; init; }

    public string FilterParam => "q_" + Id;
    public string SortParam => "s_" + Id;
    public string DirectionParam => "d_" + Id;

    public void Add(params Cell[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != Columns.Count) throw new ArgumentException($"Table {Id}: {cells.Length} cells for {Columns.Count} columns.", nameof(cells));
        Rows.Add(cells);
    }

    /// <summary>Applies the filter and sort named in <paramref name="query"/>.</summary>
    public DataTable Apply(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Filter = query[FilterParam].ToString().Trim() is { Length: > 0 and <= 100 } f ? f : null;
        var sort = query[SortParam].ToString();
        var index = Columns.ToList().FindIndex(c => c.Key == sort);
        SortKey = index >= 0 ? sort : null;
        Descending = query[DirectionParam] == "desc";
        IEnumerable<Cell[]> rows = Rows;
        if (ServerSide)
        {
            View = Rows;
            return this;
        }
        if (Filter is { } text)
            rows = rows.Where(r => r.Any(c => c.Text.Contains(text, StringComparison.OrdinalIgnoreCase)));
        if (index >= 0)
        {
            var comparer = Comparer<Cell>.Create(CompareCells);
            rows = Descending ? rows.OrderByDescending(r => r[index], comparer) : rows.OrderBy(r => r[index], comparer);
        }
        View = rows.ToList();
        return this;
    }

    /// <summary>Numbers by value, empty cells last, text in Chinese collation (pinyin order on ICU).</summary>
    private static int CompareCells(Cell? a, Cell? b)
    {
        var x = a?.Sort;
        var y = b?.Sort;
        if (x is null && y is null) return Collation.Compare(a?.Text, b?.Text);
        if (x is null) return 1;
        if (y is null) return -1;
        if (x.GetType() == y.GetType()) return x.CompareTo(y);
        return Collation.Compare(x.ToString(), y.ToString());
    }

    private static readonly StringComparer Collation = StringComparer.Create(CultureInfo.GetCultureInfo("zh-CN"), ignoreCase: true);
}
