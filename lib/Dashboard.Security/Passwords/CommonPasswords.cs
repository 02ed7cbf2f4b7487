using System.Text;

namespace Dashboard.Security.Passwords;

/// <summary>
/// The embedded list of common passwords (Passwords/common-passwords.txt, built by
/// make_common_passwords.py from Openwall's public-domain list, Chinese leak favourites and the
/// rule-bending patterns such as Password1! or Aa123456). Compared case-insensitively.
/// </summary>
public sealed class CommonPasswords
{
    private static readonly Lazy<CommonPasswords> Embedded = new(Load);
    private readonly HashSet<string> _words;

    private CommonPasswords(HashSet<string> words) => _words = words;

    /// <summary>The list shipped in the assembly.</summary>
    public static CommonPasswords Default => Embedded.Value;

    /// <summary>How many passwords the list holds.</summary>
    public int Count => _words.Count;

    /// <summary>True when <paramref name="password"/> is on the list, ignoring case and surrounding spaces.</summary>
    public bool Contains(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return _words.Contains(password.Trim());
    }

    private static CommonPasswords Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("Dashboard.Security.common-passwords.txt")
            ?? throw new InvalidOperationException("The embedded common-password list is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            words.Add(line.Trim());
        }
        return new CommonPasswords(words);
    }
}
