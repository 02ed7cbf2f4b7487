namespace Dashboard.OData.Translation;

/// <summary>
/// A request the translator refuses: bad syntax, an unknown property or function, an unsupported option or
/// a limit exceeded. The message is plain English, names the option or property, and is safe to show to the
/// client; the api turns it into a 400 OData error (<c>{"error":{"code":…,"message":…}}</c>).
/// </summary>
public sealed class ODataTranslationException : Exception
{
    /// <summary>Creates an exception with code <see cref="ODataErrorCodes.InvalidQuery"/>.</summary>
    public ODataTranslationException() : this(ODataErrorCodes.InvalidQuery, "The OData query is not valid.") { }

    /// <summary>Creates an exception with code <see cref="ODataErrorCodes.InvalidQuery"/>.</summary>
    public ODataTranslationException(string message) : this(ODataErrorCodes.InvalidQuery, message) { }

    /// <summary>Creates an exception with code <see cref="ODataErrorCodes.InvalidQuery"/> that wraps a parser error.</summary>
    public ODataTranslationException(string message, Exception innerException) : this(ODataErrorCodes.InvalidQuery, message, innerException) { }

    /// <summary>Creates an exception with an error code (see <see cref="ODataErrorCodes"/>).</summary>
    public ODataTranslationException(string code, string message, Exception? innerException = null) : base(message, innerException) => Code = code;

    /// <summary>The OData error code, one of <see cref="ODataErrorCodes"/>.</summary>
    public string Code { get; }
}

/// <summary>The error codes of <see cref="ODataTranslationException"/>.</summary>
public static class ODataErrorCodes
{
    /// <summary>Bad syntax, an unknown property or function, a type mismatch.</summary>
    public const string InvalidQuery = "InvalidQuery";

    /// <summary>A query option or construct that the service does not support (yet).</summary>
    public const string NotSupported = "NotSupported";

    /// <summary>A configured limit ($top, filter size) was exceeded.</summary>
    public const string LimitExceeded = "LimitExceeded";
}
