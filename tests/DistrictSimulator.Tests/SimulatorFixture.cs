using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DistrictSimulator.Tests;

/// <summary>Hosts the simulator in memory over a real ClickHouse (started by scripts/test.sh).</summary>
public sealed class SimulatorFactory(string connectionString, IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:ClickHouse", connectionString);
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }
}

/// <summary>
/// A fresh database with every migration of sql/ applied, seeds included (the reference catalogue the
/// simulator serves from), and one shared simulator with a fixed today.
/// </summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public const string Token = "demo-token";
    public const string AdminToken = "admin-token";
    public static readonly DateOnly Today = new(2026, 11, 22);

    private TestDatabase? _db;

    public string ConnectionString => _db!.ConnectionString;

    /// <summary>The shared simulator: default seed, today 2026-11-22, demo and admin tokens.</summary>
    public SimulatorFactory Simulator { get; private set; } = null!;

    public static Dictionary<string, string?> DefaultSettings() => new()
    {
        ["Simulator:Token"] = Token,
        ["Simulator:AdminToken"] = AdminToken,
        ["Simulator:Today"] = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A simulator of its own: the defaults with <paramref name="overrides"/> (a null value removes a setting).</summary>
    public SimulatorFactory Create(IReadOnlyDictionary<string, string?>? overrides = null, string? connectionString = null)
    {
        var settings = DefaultSettings();
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>()) settings[k] = v;
        return new SimulatorFactory(connectionString ?? ConnectionString, settings);
    }

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("sim", Schema.Full);
        Simulator = Create();
        using var warm = Simulator.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await _db!.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SimulatorTests : ICollectionFixture<SimulatorFixture>
{
    public const string Name = "Simulator";
}
