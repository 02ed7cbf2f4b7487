using System.Security.Cryptography;

namespace Dashboard.Security.Passwords;

/// <summary>
/// The password rules (GB/T 22239-2019 8.1.4.1 complexity; OWASP ASVS 2.1 length and breached-list
/// checks). Each broken rule gives its own Chinese message, so a user sees everything to fix at once.
/// </summary>
public static class PasswordPolicy
{
    /// <summary>Shortest allowed password.</summary>
    public const int MinLength = 8;

    /// <summary>Longest allowed password (ASVS allows at least 64; the hash input stays bounded).</summary>
    public const int MaxLength = 128;

    /// <summary>Message: too short.</summary>
    public const string TooShort = "密码至少 8 个字符";
    /// <summary>Message: too long.</summary>
    public const string TooLong = "密码不能超过 128 个字符";
    /// <summary>Message: fewer than three character classes.</summary>
    public const string TooFewClasses = "密码须包含大写字母、小写字母、数字、符号中的至少三类";
    /// <summary>Message: on the common-password list.</summary>
    public const string TooCommon = "该密码过于常见，容易被猜中，请换一个";
    /// <summary>Message: contains the account name.</summary>
    public const string ContainsUserName = "密码不能包含用户名";
    /// <summary>Message: one of the recent passwords.</summary>
    public const string Reused = "新密码不能与最近使用过的密码相同";

    /// <summary>Checks <paramref name="password"/>; an empty list means it is acceptable.</summary>
    /// <param name="password">The candidate.</param>
    /// <param name="userName">The account name, refused as part of the password (case-insensitive) when 3 characters or longer.</param>
    public static IReadOnlyList<string> Check(string password, string? userName = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        var errors = new List<string>();
        // Length counts characters as users see them (a Chinese character is one), not UTF-16 units.
        var length = password.EnumerateRunes().Count();
        if (length < MinLength) errors.Add(TooShort);
        if (length > MaxLength) errors.Add(TooLong);
        if (CharacterClasses(password) < 3) errors.Add(TooFewClasses);
        if (CommonPasswords.Default.Contains(password)) errors.Add(TooCommon);
        if (userName is { Length: >= 3 } && password.Contains(userName.Trim(), StringComparison.OrdinalIgnoreCase)) errors.Add(ContainsUserName);
        return errors;
    }

    /// <summary>How many of upper-case, lower-case, digit and other characters occur.</summary>
    public static int CharacterClasses(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        bool upper = false, lower = false, digit = false, other = false;
        foreach (var ch in password)
        {
            if (char.IsAsciiLetterUpper(ch)) upper = true;
            else if (char.IsAsciiLetterLower(ch)) lower = true;
            else if (char.IsAsciiDigit(ch)) digit = true;
            else other = true;
        }
        return (upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }

    /// <summary>
    /// A random 16-character password with all four classes, without look-alike characters (0/O, 1/l/I),
    /// for first sign-ins and resets: it passes <see cref="Check"/> and must be changed at first use.
    /// </summary>
    public static string GenerateOneTime()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnpqrstuvwxyz", digits = "23456789", symbols = "!@#$%^&*-_+=?";
        const string all = upper + lower + digits + symbols;
        var chars = new char[16];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++) chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
