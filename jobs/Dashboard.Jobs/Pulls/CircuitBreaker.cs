using System.Collections.Concurrent;

namespace Dashboard.Jobs.Pulls;

/// <summary>Per-source circuit breaker settings.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Consecutive failed runs that open the circuit (default 3).</summary>
    public int FailuresToOpen { get; set; } = 3;

    /// <summary>How long scheduled runs are skipped once open (default 10 minutes).</summary>
    public TimeSpan OpenFor { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// After repeated failures a source's scheduled runs are skipped for a while instead of hammering a
/// system that is down; a manual "run now" always goes through (an operator asked for it).
/// </summary>
public sealed class CircuitBreaker(CircuitBreakerOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset? OpenUntil)> _state = new(StringComparer.Ordinal);

    /// <summary>When the circuit of a source is open, until when; otherwise null.</summary>
    public DateTimeOffset? OpenUntil(string sourceId) =>
        _state.TryGetValue(sourceId, out var s) && s.OpenUntil is { } until && until > clock.GetUtcNow() ? until : null;

    /// <summary>Records a run's outcome.</summary>
    public void Record(string sourceId, bool succeeded) => _state.AddOrUpdate(sourceId,
        _ => succeeded ? (0, null) : Fail(0),
        (_, s) => succeeded ? (0, null) : Fail(s.Failures));

    private (int, DateTimeOffset?) Fail(int failures) =>
        failures + 1 >= options.FailuresToOpen ? (failures + 1, clock.GetUtcNow() + options.OpenFor) : (failures + 1, null);
}
