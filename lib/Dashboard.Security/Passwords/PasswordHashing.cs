using Microsoft.AspNetCore.Identity;

namespace Dashboard.Security.Passwords;

/// <summary>What a password check found.</summary>
public enum PasswordVerification
{
    /// <summary>Wrong password.</summary>
    Failed,
    /// <summary>Right password, hash in the current format.</summary>
    Success,
    /// <summary>Right password, but the hash uses older parameters: store a new hash.</summary>
    SuccessRehashNeeded,
}

/// <summary>
/// ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2-HMAC-SHA512, 100,000
/// iterations, 128-bit salt, version-marked format), so hashes stay readable by Identity itself.
/// </summary>
public static class PasswordHashing
{
    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object NoUser = new();

    /// <summary>A dummy hash checked when the account does not exist, so both paths cost the same time.</summary>
    internal static readonly string DummyHash = Hash(PasswordPolicy.GenerateOneTime());

    /// <summary>Hashes <paramref name="password"/> with a fresh salt.</summary>
    public static string Hash(string password) => Hasher.HashPassword(NoUser, password);

    /// <summary>Checks <paramref name="password"/> against <paramref name="hash"/> in constant time.</summary>
    public static PasswordVerification Verify(string hash, string password) => Hasher.VerifyHashedPassword(NoUser, hash, password) switch
    {
        PasswordVerificationResult.Success => PasswordVerification.Success,
        PasswordVerificationResult.SuccessRehashNeeded => PasswordVerification.SuccessRehashNeeded,
        _ => PasswordVerification.Failed,
    };
}
