using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dashboard.Deploy.Tests;

/// <summary>
/// A ClickHouse of the test's own, started with scripts/clickhouse.sh in a temporary folder on free ports
/// (backup and restore read and write the server's data folder, so a shared server will not do), stopped and
/// removed on dispose.
/// </summary>
public sealed class ClickHouseServer : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };
    private readonly string _password;

    private ClickHouseServer(string dir, int httpPort, int tcpPort)
    {
        Dir = dir;
        HttpPort = httpPort;
        TcpPort = tcpPort;
        _password = File.ReadAllText(Path.Combine(dir, "password")).Trim();
    }

    /// <summary>Its data, config and password folder (CH_DIR).</summary>
    public string Dir { get; }

    /// <summary>Its HTTP port.</summary>
    public int HttpPort { get; }

    /// <summary>Its native port.</summary>
    public int TcpPort { get; }

    /// <summary>What scripts/clickhouse.sh, backup.sh and restore.sh need to find this server.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["CH_DIR"] = Dir,
        ["CH_HTTP_PORT"] = HttpPort.ToString(CultureInfo.InvariantCulture),
        ["CH_TCP_PORT"] = TcpPort.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The provider's connection string (holds the password: never print it).</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={HttpPort};User=dashboard;Password={_password};Database={database}";

    public static async Task<ClickHouseServer> StartAsync(string name)
    {
        var dir = Directory.CreateTempSubdirectory($"dashboard-deploy-{name}-ch.").FullName;
        var http = FreePort();
        var tcp = FreePort();
        while (tcp == http) tcp = FreePort();
        var env = new Dictionary<string, string>
        {
            ["CH_DIR"] = dir,
            ["CH_HTTP_PORT"] = http.ToString(CultureInfo.InvariantCulture),
            ["CH_TCP_PORT"] = tcp.ToString(CultureInfo.InvariantCulture),
        };
        var started = await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "clickhouse.sh"), ["start"], env, TimeSpan.FromMinutes(3));
        if (started.ExitCode != 0)
        {
            Directory.Delete(dir, recursive: true);
            throw new InvalidOperationException($"scripts/clickhouse.sh start failed:\n{started}");
        }
        return new ClickHouseServer(dir, http, tcp);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs one statement as the writing user and returns the body (TSV).</summary>
    public async Task<string> QueryAsync(string sql, string database = "default")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{HttpPort}/?database={Uri.EscapeDataString(database)}")
        {
            Content = new StringContent(sql, Encoding.UTF8),
        };
        request.Headers.Add("X-ClickHouse-User", "dashboard");
        request.Headers.Add("X-ClickHouse-Key", _password);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || body.StartsWith("Code: ", StringComparison.Ordinal))
            throw new InvalidOperationException($"ClickHouse answered {(int)response.StatusCode}: {body}");
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "clickhouse.sh"), ["stop"], Environment, TimeSpan.FromMinutes(1));
        Directory.Delete(Dir, recursive: true);
    }
}
