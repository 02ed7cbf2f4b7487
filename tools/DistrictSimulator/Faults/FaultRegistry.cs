using DistrictSimulator.Feed;

namespace DistrictSimulator.Faults;

/// <summary>What the faults say about one feed request.</summary>
/// <param name="RequestNumber">The source's request counter for this request (1 for the first).</param>
/// <param name="Settings">The source's faults when the request arrived.</param>
public readonly record struct FaultDecision(long RequestNumber, FaultSettings Settings)
{
    private bool Hit(int every) => every > 0 && RequestNumber % every == 0;

    /// <summary>Answer 429.</summary>
    public bool TooManyRequests => Hit(Settings.TooManyRequestsEvery);

    /// <summary>Answer 503.</summary>
    public bool ServerError => Hit(Settings.ServerErrorEvery);

    /// <summary>Abort the connection.</summary>
    public bool Reset => Hit(Settings.ResetEvery);

    /// <summary>Abort right after the headers (odd resets) rather than in the middle of the body (even resets).</summary>
    public bool ResetAfterHeaders => Settings.ResetEvery > 0 && (RequestNumber / Settings.ResetEvery) % 2 == 1;

    /// <summary>Cut the body in the middle.</summary>
    public bool Truncate => Hit(Settings.TruncateEvery);

    /// <summary>Serve the previous page again.</summary>
    public bool RepeatPage => Hit(Settings.RepeatPageEvery);
}

/// <summary>Per-source faults and request counters; switchable at runtime, deterministic by construction.</summary>
public sealed class FaultRegistry
{
    private readonly Dictionary<string, SourceState> _states = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private sealed class SourceState
    {
        public FaultSettings Settings { get; set; } = new();
        public long Requests { get; set; }
        public FeedPage? LastPage { get; set; }
    }

    /// <summary>Sets a source's faults and restarts its request counter (so the next request is number 1).</summary>
    public void Set(string sourceId, FaultSettings settings)
    {
        lock (_lock) _states[sourceId] = new SourceState { Settings = settings.Normalized() };
    }

    /// <summary>Turns a source's faults off and restarts its request counter.</summary>
    public void Clear(string sourceId)
    {
        lock (_lock) _states[sourceId] = new SourceState();
    }

    /// <summary>Counts one feed request of the source and returns what its faults say about it.</summary>
    public FaultDecision Next(string sourceId)
    {
        lock (_lock)
        {
            var state = State(sourceId);
            state.Requests++;
            return new FaultDecision(state.Requests, state.Settings);
        }
    }

    /// <summary>The last JSON page the source served normally (what a repeated page returns).</summary>
    public FeedPage? LastPage(string sourceId)
    {
        lock (_lock) return State(sourceId).LastPage;
    }

    /// <summary>Remembers the JSON page the source just served.</summary>
    public void RememberPage(string sourceId, FeedPage page)
    {
        lock (_lock) State(sourceId).LastPage = page;
    }

    /// <summary>Every source with a fault on, with its settings and request counter.</summary>
    public IReadOnlyDictionary<string, (FaultSettings Settings, long Requests)> Snapshot()
    {
        lock (_lock)
        {
            return _states.Where(kv => kv.Value.Settings.Any)
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .ToDictionary(kv => kv.Key, kv => (kv.Value.Settings, kv.Value.Requests), StringComparer.Ordinal);
        }
    }

    private SourceState State(string sourceId)
    {
        if (!_states.TryGetValue(sourceId, out var state)) _states[sourceId] = state = new SourceState();
        return state;
    }
}
