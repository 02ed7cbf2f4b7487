using DistrictSimulator.Generation;
using DistrictSimulator.Reference;

namespace DistrictSimulator.Sources;

/// <summary>Everything the simulator serves, built once at startup.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Today">"Today".</param>
/// <param name="Catalogue">The reference catalogue.</param>
/// <param name="Sources">The sources, ordered by id.</param>
public sealed record SimulatorData(long Seed, DateOnly Today, ReferenceCatalogue Catalogue, IReadOnlyList<SimulatedSource> Sources)
{
    private readonly Dictionary<string, SimulatedSource> _byId = Sources.ToDictionary(s => s.Id, StringComparer.Ordinal);

    /// <summary>The source with this id, or null.</summary>
    public SimulatedSource? Find(string id) => _byId.GetValueOrDefault(id);
}

/// <summary>Holds the data once startup has loaded it.</summary>
public sealed class SimulatorState
{
    private SimulatorData? _data;

    /// <summary>The loaded data.</summary>
    public SimulatorData Data => Volatile.Read(ref _data) ?? throw new InvalidOperationException("The simulator has not loaded its data yet.");

    /// <summary>Sets the data (once, at startup).</summary>
    public void Load(SimulatorData data) => Volatile.Write(ref _data, data);
}
