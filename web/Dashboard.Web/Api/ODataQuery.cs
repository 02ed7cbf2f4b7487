using System.Globalization;
using System.Text;

namespace Dashboard.Web.Api;

/// <summary>
/// The one place OData query strings are built. Literal values go through <see cref="Literal(string)"/>
/// (single quotes doubled, as OData's ABNF asks) and every option is percent-encoded, so no value typed
/// into a page or a URL can change the shape of the query.
/// </summary>
public sealed record ODataQuery
{
    public string? Filter { get; init; }
    public string? OrderBy { get; init; }
    public string? Select { get; init; }
    public string? Apply { get; init; }
    public int? Top { get; init; }
    public int? Skip { get; init; }

    /// <summary>Asks for <c>@odata.count</c>: the number of matching rows, whatever the page.</summary>
    public bool Count { get; init; }

    /// <summary>Non-OData parameters the service takes (Scorecard's asOf).</summary>
    public DateOnly? AsOf { get; init; }

    /// <summary>A string literal: 'O''Brien'.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>An Edm.Date literal (unquoted yyyy-MM-dd).</summary>
    public static string Literal(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An Edm.DateTimeOffset literal (unquoted, UTC, to the second).</summary>
    public static string Literal(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>property eq 'value'</c>.</summary>
    public static string Eq(string property, string value) => $"{property} eq {Literal(value)}";

    /// <summary><c>property in ('a','b')</c>; an empty list matches nothing.</summary>
    public static string In(string property, IEnumerable<string> values)
    {
        var list = values.Select(Literal).ToList();
        return list.Count == 0 ? $"{property} eq {Literal("\u0000none")}" : $"{property} in ({string.Join(',', list)})";
    }

    /// <summary>Joins conditions with <c>and</c>, skipping empty ones.</summary>
    public static string? And(params string?[] conditions)
    {
        var parts = conditions.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => "(" + c + ")").ToList();
        return parts.Count == 0 ? null : string.Join(" and ", parts);
    }

    /// <summary>The query string (without '?'), options percent-encoded.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        void Add(string name, string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            if (sb.Length > 0) sb.Append('&');
            sb.Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        Add("asOf", AsOf is { } d ? Literal(d) : null);
        Add("$apply", Apply);
        Add("$filter", Filter);
        Add("$orderby", OrderBy);
        Add("$select", Select);
        Add("$top", Top?.ToString(CultureInfo.InvariantCulture));
        Add("$skip", Skip?.ToString(CultureInfo.InvariantCulture));
        Add("$count", Count ? "true" : null);
        return sb.ToString();
    }
}
