using Dapper;

namespace Dashboard.Security.Store;

/// <summary>
/// SQL pieces that read the same on SQLite and PostgreSQL. Dapper expands <c>IN @list</c> for SQLite but hands
/// Npgsql the array whole (PostgreSQL wants <c>= ANY(@list)</c>), so lists are spelled out as parameters here.
/// </summary>
internal static class PortableSql
{
    /// <summary>
    /// <c>(@name0, @name1, …)</c> with one parameter per value added to <paramref name="parameters"/>; callers
    /// skip the query for an empty list (an empty IN is not SQL).
    /// </summary>
    public static string InList(string name, IReadOnlyList<string> values, DynamicParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(parameters);
        if (values.Count == 0) throw new ArgumentException("An IN list needs at least one value.", nameof(values));
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = "@" + name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameters.Add(name + i.ToString(System.Globalization.CultureInfo.InvariantCulture), values[i]);
        }
        return "(" + string.Join(", ", names) + ")";
    }
}
