namespace Dashboard.OData.Translation;

/// <summary>
/// A light scan of OData expression text (outside string literals) for the checks and rewrites the parser
/// cannot do for us: names of unsupported <c>$apply</c> transformations, and canonical spelling of names in
/// <c>$apply</c> chains, whose binder matches grouped names case-sensitively even when the resolver does not.
/// </summary>
internal static class QueryText
{
    /// <summary>An identifier-like word: where it starts, its text, its parenthesis depth, the word before it.</summary>
    internal readonly record struct Word(int Start, string Text, int Depth, bool AfterDollar, string? Previous);

    // Words the rewrite never touches, so an alias spelled like a keyword cannot change the syntax.
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not", "add", "sub", "mul", "div", "mod", "has", "in",
        "with", "as", "from", "sum", "min", "max", "average", "countdistinct", "filter", "groupby", "aggregate",
        "compute", "expand", "rollup", "asc", "desc", "true", "false", "null", "contains", "startswith", "endswith",
        "year", "month", "day", "hour", "minute", "second", "any", "all", "cast", "isof",
    };

    public static List<Word> Words(string text)
    {
        var words = new List<Word>();
        var depth = 0;
        var i = 0;
        string? previous = null;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\'')
            {
                i++;
                while (i < text.Length && !(text[i] == '\'' && (i + 1 >= text.Length || text[i + 1] != '\'')))
                    i += text[i] == '\'' ? 2 : 1;
                i++;
                previous = null;
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                var word = text[start..i];
                words.Add(new Word(start, word, depth, start > 0 && text[start - 1] == '$', previous));
                previous = word;
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                // Numbers, dates, times and GUIDs are one token, so their letters (1e5, 12:00Z) are not words.
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '-' or ':' or '+')) i++;
                previous = null;
                continue;
            }
            if (c == '(') depth++;
            else if (c == ')') depth--;
            i++;
        }
        return words;
    }

    /// <summary>The aliases an <c>$apply</c> declares (the word after each <c>as</c>).</summary>
    public static IEnumerable<string> Aliases(string apply) =>
        Words(apply).Where(w => string.Equals(w.Previous, "as", StringComparison.Ordinal)).Select(w => w.Text);

    /// <summary>Respells every word that names one of <paramref name="names"/> (ignoring case) as that name.</summary>
    public static string Canonicalize(string text, IReadOnlyCollection<string> names)
    {
        var lookup = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var n in names) lookup.TryAdd(n, n);
        var chars = text.ToCharArray();
        foreach (var w in Words(text))
        {
            if (w.AfterDollar || Keywords.Contains(w.Text) || string.Equals(w.Previous, "as", StringComparison.Ordinal)) continue;
            if (lookup.TryGetValue(w.Text, out var canonical) && canonical.Length == w.Text.Length)
                canonical.CopyTo(0, chars, w.Start, canonical.Length);
        }
        return new string(chars);
    }
}
