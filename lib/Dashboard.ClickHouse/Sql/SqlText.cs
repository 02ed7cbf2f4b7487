using System.Text;

namespace Dashboard.ClickHouse.Sql;

/// <summary>
/// A small lexer over ClickHouse SQL that knows where string literals, quoted identifiers and comments
/// are, so that <c>@name</c> placeholders and <c>;</c> separators are recognised only in plain SQL.
/// </summary>
public static class SqlText
{
    /// <summary>
    /// Replaces every <c>@name</c> outside literals, quoted identifiers and comments with the literal of
    /// the named value (through <see cref="SqlLiteral"/>).
    /// </summary>
    /// <param name="sql">The command text.</param>
    /// <param name="appendValue">
    /// Appends the literal for a parameter name (without <c>@</c>) in the given form; returns false when
    /// no such parameter exists. The form is <see cref="LiteralForm.ValuesData"/> after the VALUES keyword
    /// of an INSERT, where ClickHouse reads the rest as data in its Values format, not as SQL, and
    /// <see cref="LiteralForm.InList"/> right after IN.
    /// </param>
    /// <exception cref="ArgumentException">A placeholder names no supplied parameter.</exception>
    public static string BindParameters(string sql, Func<string, StringBuilder, LiteralForm, bool> appendValue)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(appendValue);
        if (!sql.Contains('@', StringComparison.Ordinal)) return sql;

        var sb = new StringBuilder(sql.Length + 64);
        var form = LiteralForm.Expression;
        var afterIn = false;
        bool? isInsert = null;
        var i = 0;
        while (i < sql.Length)
        {
            var skip = SkipQuotedOrComment(sql, i);
            if (skip > i)
            {
                sb.Append(sql, i, skip - i);
                i = skip;
                continue;
            }
            var c = sql[i];
            if (c == '@' && i + 1 < sql.Length && IsNameStart(sql[i + 1]) && (i == 0 || !IsNamePart(sql[i - 1])))
            {
                var end = i + 1;
                while (end < sql.Length && IsNamePart(sql[end])) end++;
                var name = sql[(i + 1)..end];
                if (!appendValue(name, sb, afterIn ? LiteralForm.InList : form))
                    throw new ArgumentException($"The query uses @{name} but no parameter of that name was supplied.", nameof(sql));
                i = end;
                continue;
            }
            if (IsNameStart(c) && (i == 0 || !IsNamePart(sql[i - 1])))
            {
                var end = i + 1;
                while (end < sql.Length && IsNamePart(sql[end])) end++;
                var word = sql.AsSpan(i, end - i);
                isInsert ??= word.Equals("INSERT", StringComparison.OrdinalIgnoreCase);
                afterIn = word.Equals("IN", StringComparison.OrdinalIgnoreCase);
                if (isInsert == true && word.Equals("VALUES", StringComparison.OrdinalIgnoreCase)) form = LiteralForm.ValuesData;
                sb.Append(word);
                i = end;
                continue;
            }
            if (!char.IsWhiteSpace(c)) afterIn = false;
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    /// <summary>
    /// Splits a script into statements on <c>;</c> outside literals and comments. Statements that hold
    /// only whitespace and comments are dropped.
    /// </summary>
    public static IReadOnlyList<string> SplitStatements(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var result = new List<string>();
        var start = -1; // first code character of the current statement; -1 until one is seen
        var i = 0;
        while (i < script.Length)
        {
            var c = script[i];
            var skip = SkipQuotedOrComment(script, i);
            if (skip > i)
            {
                // A quoted literal or identifier is code; a comment is not.
                if (start < 0 && c is '\'' or '"' or '`') start = i;
                i = skip;
                continue;
            }
            if (c == ';')
            {
                if (start >= 0) result.Add(script[start..i].Trim());
                start = -1;
            }
            else if (start < 0 && !char.IsWhiteSpace(c))
            {
                start = i;
            }
            i++;
        }
        if (start >= 0) result.Add(script[start..].Trim());
        return result;
    }

    /// <summary>
    /// When position <paramref name="i"/> starts a string literal, quoted identifier or comment, returns
    /// the position just after it; otherwise returns <paramref name="i"/>. An unterminated one runs to the end.
    /// </summary>
    internal static int SkipQuotedOrComment(string s, int i)
    {
        var c = s[i];
        if (c is '\'' or '"' or '`')
        {
            var j = i + 1;
            while (j < s.Length)
            {
                if (s[j] == '\\') { j += 2; continue; }
                if (s[j] == c)
                {
                    // A doubled quote is an escaped quote inside the literal.
                    if (j + 1 < s.Length && s[j + 1] == c) { j += 2; continue; }
                    return j + 1;
                }
                j++;
            }
            return s.Length;
        }
        if (c == '-' && i + 1 < s.Length && s[i + 1] == '-')
        {
            var nl = s.IndexOf('\n', i + 2);
            return nl < 0 ? s.Length : nl + 1;
        }
        if (c == '/' && i + 1 < s.Length && s[i + 1] == '*')
        {
            var close = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
            return close < 0 ? s.Length : close + 2;
        }
        return i;
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}

/// <summary>How a value is written where a placeholder stands.</summary>
public enum LiteralForm
{
    /// <summary>A typed SQL expression, e.g. <c>toDecimal64('1.5', 4)</c>.</summary>
    Expression,
    /// <summary>A value in ClickHouse's Values data format (after INSERT … VALUES), e.g. <c>1.5</c>.</summary>
    ValuesData,
    /// <summary>Right after IN: a list is written as a set, <c>(1, 2)</c>, and an empty one as <c>(NULL)</c>, which matches nothing.</summary>
    InList,
}
