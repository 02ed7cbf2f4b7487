using Dashboard.Security.Passwords;

namespace Dashboard.Security.Tests;

public class PasswordTests
{
    [Theory]
    // 4 characters, all four classes: only the length rule fails.
    [InlineData("Ab1!", new[] { PasswordPolicy.TooShort })]
    // 8 lower-case letters: one class.
    [InlineData("kqzvmwtr", new[] { PasswordPolicy.TooFewClasses })]
    // lower + digit: two classes.
    [InlineData("kqzvmwt9", new[] { PasswordPolicy.TooFewClasses })]
    // 7 characters, one class: both rules.
    [InlineData("kqzvmwt", new[] { PasswordPolicy.TooShort, PasswordPolicy.TooFewClasses })]
    // upper + lower + digit, 8 characters, not common: accepted.
    [InlineData("Kqzvmwt9", new string[0])]
    // lower + digit + symbol: three classes.
    [InlineData("kqzv-mwt9", new string[0])]
    public void Policy_checks_length_and_classes(string password, string[] expected)
    {
        Assert.Equal(expected, PasswordPolicy.Check(password));
    }

    [Theory]
    [InlineData("Password1!")]
    [InlineData("Admin@123")]
    [InlineData("Qwer1234")]
    [InlineData("P@ssw0rd")]
    [InlineData("12345678a")]
    [InlineData("woaini1314")]
    [InlineData("Aa123456")]
    [InlineData("Woaini520")]
    public void Policy_refuses_common_passwords_whatever_the_case(string password)
    {
        Assert.Contains(PasswordPolicy.TooCommon, PasswordPolicy.Check(password));
    }

    [Fact]
    public void Common_list_is_embedded_with_thousands_of_entries()
    {
        Assert.True(CommonPasswords.Default.Count > 3000, $"only {CommonPasswords.Default.Count}");
        Assert.True(CommonPasswords.Default.Contains("PASSWORD1!"));
        Assert.False(CommonPasswords.Default.Contains("Kqzvmwt9"));
    }

    [Fact]
    public void Policy_refuses_the_user_name_inside_the_password_and_overlong_passwords()
    {
        Assert.Equal([PasswordPolicy.ContainsUserName], PasswordPolicy.Check("xx-Zhang.San-9", "zhang.san"));
        // 129 characters, 3 classes.
        Assert.Equal([PasswordPolicy.TooLong], PasswordPolicy.Check("Aa1" + new string('x', 126)));
        // 128 is the limit itself.
        Assert.Empty(PasswordPolicy.Check("Aa1" + new string('x', 125)));
    }

    [Fact]
    public void Length_counts_characters_not_utf16_units()
    {
        // "密码" + "Ab1!" + "xy" = 8 characters, four classes (Chinese counts as "other").
        Assert.Empty(PasswordPolicy.Check("密码Ab1!xy"));
        Assert.Equal([PasswordPolicy.TooShort], PasswordPolicy.Check("密码Ab1!x"));
    }

    [Fact]
    public void One_time_passwords_pass_the_policy_and_differ()
    {
        var a = PasswordPolicy.GenerateOneTime();
        var b = PasswordPolicy.GenerateOneTime();
        Assert.Equal(16, a.Length);
        Assert.Empty(PasswordPolicy.Check(a));
        Assert.Equal(4, PasswordPolicy.CharacterClasses(a));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Hashing_round_trips_and_salts()
    {
        var h1 = PasswordHashing.Hash("Kqzvmwt9!");
        var h2 = PasswordHashing.Hash("Kqzvmwt9!");
        Assert.NotEqual(h1, h2);
        Assert.DoesNotContain("Kqzvmwt9", h1, StringComparison.Ordinal);
        // Identity v3 format: first byte 0x01, so base64 starts with "AQAAAA".
        Assert.StartsWith("AQAAAA", h1, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Success, PasswordHashing.Verify(h1, "Kqzvmwt9!"));
        Assert.Equal(PasswordVerification.Failed, PasswordHashing.Verify(h1, "Kqzvmwt9?"));
        Assert.Equal(PasswordVerification.Failed, PasswordHashing.Verify(h1, ""));
    }
}
