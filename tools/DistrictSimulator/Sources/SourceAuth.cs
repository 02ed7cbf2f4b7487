using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace DistrictSimulator.Sources;

/// <summary>Bearer tokens of the sources and the admin header. Tokens are compared in constant time and never logged.</summary>
public sealed class SourceAuth(IOptions<SimulatorOptions> options)
{
    /// <summary>The admin header.</summary>
    public const string AdminHeader = "X-Simulator-Admin";

    /// <summary>The token a source accepts: its override, else the demo token; null when neither is set.</summary>
    public string? TokenFor(string sourceId) =>
        options.Value.Tokens.TryGetValue(sourceId, out var own) && !string.IsNullOrEmpty(own) ? own
        : string.IsNullOrEmpty(options.Value.Token) ? null : options.Value.Token;

    /// <summary>Whether the request carries <c>Authorization: Bearer {token}</c> with the source's token.</summary>
    public bool IsAuthorized(HttpRequest request, string sourceId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var expected = TokenFor(sourceId);
        if (expected is null) return false;
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        return Same(header[scheme.Length..].Trim(), expected);
    }

    /// <summary>Admin access: null when allowed, else the status to answer (403 when admin is disabled, 401 when the header is wrong).</summary>
    public IResult? CheckAdmin(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var expected = options.Value.AdminToken;
        if (string.IsNullOrEmpty(expected))
            return Results.Problem("The admin endpoints are disabled: set Simulator:AdminToken.", statusCode: StatusCodes.Status403Forbidden);
        return Same(request.Headers[AdminHeader].ToString(), expected)
            ? null
            : Results.Problem($"Send the admin token in the {AdminHeader} header.", statusCode: StatusCodes.Status401Unauthorized);
    }

    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
