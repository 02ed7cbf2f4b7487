using System.Text.RegularExpressions;

namespace Dashboard.ClickHouse.Sql;

/// <summary>
/// Identifiers (databases, tables, columns, settings) never come from parameters or request text: they
/// come from code or allow-lists, and this guard refuses anything but plain ASCII names before quoting.
/// </summary>
public static partial class SqlIdentifier
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex Plain();

    /// <summary>True when <paramref name="name"/> is a plain identifier (letters, digits, underscore).</summary>
    public static bool IsValid(string? name) => name is not null && Plain().IsMatch(name);

    /// <summary>Returns the identifier back-quoted, after checking it is plain.</summary>
    /// <exception cref="ArgumentException">The name is not a plain identifier.</exception>
    public static string Quote(string name) => "`" + Validate(name) + "`";

    /// <summary>Returns the identifier unchanged after checking it is plain.</summary>
    /// <exception cref="ArgumentException">The name is not a plain identifier.</exception>
    public static string Validate(string name) =>
        IsValid(name) ? name : throw new ArgumentException($"'{name}' is not a valid identifier (letters, digits and _ only).", nameof(name));
}
