using System.Globalization;
using DistrictSimulator.Faults;

namespace DistrictSimulator;

/// <summary>The <c>Simulator</c> configuration section.</summary>
public sealed class SimulatorOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Simulator";

    /// <summary>The default seed (<c>Simulator:Seed</c>).</summary>
    public const long DefaultSeed = 20251122;

    /// <summary>Seed of every generated number.</summary>
    public long Seed { get; set; } = DefaultSeed;

    /// <summary>"Today" as yyyy-MM-dd; empty means the real current date (China Standard Time) at startup.</summary>
    public string? Today { get; set; }

    /// <summary>The demo bearer token every source accepts unless <see cref="Tokens"/> overrides it.</summary>
    public string? Token { get; set; }

    /// <summary>Per-source bearer tokens (<c>Simulator:Tokens:{sourceId}</c>).</summary>
    public Dictionary<string, string> Tokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Value the <c>X-Simulator-Admin</c> header must carry; unset disables the admin endpoints.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Faults active from startup (<c>Simulator:Faults:{sourceId}:…</c>).</summary>
    public Dictionary<string, FaultSettings> Faults { get; set; } = new(StringComparer.Ordinal);

    /// <summary>China Standard Time, the offset of every updatedAt.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The configured "today", or the current date at +08:00.</summary>
    public DateOnly ResolveToday(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (string.IsNullOrWhiteSpace(Today))
            return DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Offset).DateTime);
        return DateOnly.TryParseExact(Today.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new InvalidOperationException($"Simulator:Today must be a date as yyyy-MM-dd; got '{Today}'.");
    }
}
