using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Dashboard.Deploy.Tests;

/// <summary>
/// docker-compose.yml as Debian's docker-compose resolves it (these machines have no Docker engine, so
/// `docker-compose config` is how far it can be checked here): the services, their health checks, volumes and
/// start order, and that no secret is written in a file.
/// </summary>
public sealed partial class ComposeTests
{
    private static readonly string ComposeFile = Path.Combine(Repo.Root, "docker-compose.yml");
    private static readonly string EnvExample = Path.Combine(Repo.Root, "deploy", "env.example");

    // One-shot containers: they exit when done, so they have no health to check.
    private static readonly string[] OneShot = ["migrate", "backup", "restore"];

    private static async Task<JsonElement> ResolvedAsync(string envFile)
    {
        var config = await ComposeConfigAsync(envFile);
        Assert.True(config.ExitCode == 0, $"docker-compose config failed:\n{config}");
        // docker-compose (v1, Python) prints YAML; its own PyYAML turns it into JSON for System.Text.Json.
        var yaml = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(yaml, config.Stdout);
            var json = await Repo.RunAsync("python3", ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", yaml]);
            Assert.True(json.ExitCode == 0, json.ToString());
            return JsonDocument.Parse(json.Stdout).RootElement.Clone();
        }
        finally
        {
            File.Delete(yaml);
        }
    }

    private static async Task<ProcessResult> ComposeConfigAsync(string envFile)
    {
        try
        {
            return await Repo.RunAsync("docker-compose", ["-f", ComposeFile, "--env-file", envFile, "config"]);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("docker-compose is not installed: scripts/prerequisites.sh installs Debian's docker-compose.", e);
        }
    }

    private static JsonElement Services(JsonElement root) => root.GetProperty("services");

    [Fact]
    public async Task Every_service_is_there_with_two_clustered_jobs_hosts()
    {
        var services = Services(await ResolvedAsync(EnvExample));
        foreach (var name in new[] { "clickhouse", "postgres", "migrate", "api", "web", "simulator" })
            Assert.True(services.TryGetProperty(name, out _), $"service {name} is missing");

        var jobs = services.EnumerateObject()
            .Where(s => s.Value.TryGetProperty("image", out var image) && image.GetString()!.StartsWith("dashboard/jobs:", StringComparison.Ordinal))
            .ToList();
        var replicas = jobs.Sum(s => s.Value.TryGetProperty("deploy", out var d) && d.TryGetProperty("replicas", out var r) ? r.GetInt32() : 1);
        Assert.True(replicas >= 2, $"expected two jobs hosts, found {replicas}");
        foreach (var j in jobs)
        {
            var env = j.Value.GetProperty("environment");
            Assert.Equal("PostgreSql", env.GetProperty("Quartz__Store").GetString());
            Assert.Equal("true", env.GetProperty("Quartz__Clustered").GetString());
            Assert.StartsWith("Host=postgres;", env.GetProperty("ConnectionStrings__Quartz").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ClickHouse_is_an_LTS_image_and_PostgreSQL_17()
    {
        var services = Services(await ResolvedAsync(EnvExample));
        // LTS branches are the year's .3 and .8 releases.
        Assert.Matches(@"^clickhouse/clickhouse-server:\d{2}\.(3|8)$", services.GetProperty("clickhouse").GetProperty("image").GetString());
        Assert.Equal("postgres:17", services.GetProperty("postgres").GetProperty("image").GetString());
    }

    [Fact]
    public async Task Every_long_running_service_has_a_health_check()
    {
        var services = Services(await ResolvedAsync(EnvExample));
        foreach (var s in services.EnumerateObject().Where(s => !OneShot.Contains(s.Name)))
        {
            Assert.True(s.Value.TryGetProperty("healthcheck", out var hc), $"{s.Name} has no healthcheck");
            Assert.False(hc.TryGetProperty("disable", out var disabled) && disabled.GetBoolean(), $"{s.Name}'s healthcheck is disabled");
            var test = string.Join(' ', hc.GetProperty("test").EnumerateArray().Select(t => t.GetString()));
            Assert.False(string.IsNullOrWhiteSpace(test) || test == "NONE", $"{s.Name}'s healthcheck runs nothing");
        }
        Assert.Contains("SELECT 1", HealthTest(services, "clickhouse"), StringComparison.Ordinal);
        Assert.Contains("pg_isready", HealthTest(services, "postgres"), StringComparison.Ordinal);
        Assert.Contains("/health", HealthTest(services, "api"), StringComparison.Ordinal);
        Assert.Contains("/health", HealthTest(services, "web"), StringComparison.Ordinal);
    }

    private static string HealthTest(JsonElement services, string name) =>
        string.Join(' ', services.GetProperty(name).GetProperty("healthcheck").GetProperty("test").EnumerateArray().Select(t => t.GetString()));

    [Fact]
    public async Task Services_start_after_what_they_need_is_healthy()
    {
        var services = Services(await ResolvedAsync(EnvExample));
        string Condition(string service, string on) => services.GetProperty(service).GetProperty("depends_on").GetProperty(on).GetProperty("condition").GetString()!;
        Assert.Equal("service_healthy", Condition("migrate", "clickhouse"));
        Assert.Equal("service_healthy", Condition("migrate", "postgres"));
        Assert.Equal("service_completed_successfully", Condition("api", "migrate"));
        Assert.Equal("service_completed_successfully", Condition("simulator", "migrate"));
        Assert.Equal("service_healthy", Condition("web", "api"));
    }

    [Fact]
    public async Task Data_lives_in_named_volumes()
    {
        var root = await ResolvedAsync(EnvExample);
        var declared = root.GetProperty("volumes").EnumerateObject().Select(v => v.Name).ToHashSet();
        var services = Services(root);
        string[] Mounts(string s) => services.GetProperty(s).GetProperty("volumes").EnumerateArray().Select(v => v.GetString()!).ToArray();
        Assert.Contains(Mounts("clickhouse"), m => m.StartsWith("clickhouse-data:/var/lib/clickhouse", StringComparison.Ordinal));
        Assert.Contains(Mounts("postgres"), m => m.StartsWith("postgres-data:/var/lib/postgresql/data", StringComparison.Ordinal));
        Assert.Contains(Mounts("web"), m => m.StartsWith("web-dataprotection:", StringComparison.Ordinal));
        foreach (var v in new[] { "clickhouse-data", "postgres-data", "web-dataprotection" }) Assert.Contains(v, declared);
    }

    [Fact]
    public async Task Secrets_come_from_the_env_file_only()
    {
        // In the file itself every password, secret or token is a ${VAR} reference.
        var literal = new List<string>();
        foreach (var (line, number) in File.ReadAllLines(ComposeFile).Select((l, i) => (l, i + 1)))
        {
            if (line.TrimStart().StartsWith('#')) continue;
            foreach (Match m in SecretAssignment().Matches(line))
            {
                if (!m.Groups["value"].Value.StartsWith("${", StringComparison.Ordinal)) literal.Add($"line {number}: {line.Trim()}");
            }
        }
        Assert.True(literal.Count == 0, "literal secrets in docker-compose.yml:\n" + string.Join('\n', literal));

        // Resolved with the example env file, the placeholders arrive where the secrets go.
        var services = Services(await ResolvedAsync(EnvExample));
        Assert.Contains("Password=CHANGE_ME_clickhouse_writer;", services.GetProperty("api").GetProperty("environment").GetProperty("ConnectionStrings__ClickHouse").GetString(), StringComparison.Ordinal);
        Assert.Contains("Password=CHANGE_ME_postgres", services.GetProperty("web").GetProperty("environment").GetProperty("Security__Store__ConnectionString").GetString(), StringComparison.Ordinal);
        Assert.Equal("CHANGE_ME_feed_token", services.GetProperty("jobs-2").GetProperty("environment").GetProperty("Sources__Items__0__Secret").GetString());

        // The example holds placeholders only.
        foreach (var line in File.ReadAllLines(EnvExample).Where(l => !l.TrimStart().StartsWith('#') && l.Contains('=', StringComparison.Ordinal)))
            Assert.StartsWith("CHANGE_ME", line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_secrets_docker_compose_refuses_naming_the_variable()
    {
        var empty = Path.GetTempFileName();
        try
        {
            var config = await ComposeConfigAsync(empty);
            Assert.NotEqual(0, config.ExitCode);
            Assert.Contains("in .env", config.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public void ClickHouse_users_take_their_passwords_from_the_environment()
    {
        var users = XDocument.Load(Path.Combine(Repo.Root, "deploy", "clickhouse", "users.d", "dashboard.xml")).Root!.Element("users")!;
        Assert.Equal("remove", users.Element("default")?.Attribute("remove")?.Value);
        foreach (var name in new[] { "dashboard", "dashboard_reader" })
        {
            var password = users.Element(name)?.Element("password");
            Assert.NotNull(password);
            Assert.False(string.IsNullOrEmpty(password.Attribute("from_env")?.Value), $"{name}'s password is not from_env");
            Assert.True(string.IsNullOrEmpty(password.Value), $"{name}'s password is written in the file");
        }
        Assert.Equal("reader", users.Element("dashboard_reader")!.Element("profile")!.Value);
    }

    [Fact]
    public void Images_build_with_the_dotnet_10_sdk_and_run_on_aspnet_10()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Repo.Root, "deploy", "Dockerfile"));
        Assert.Matches(@"FROM mcr\.microsoft\.com/dotnet/sdk:\$\{DOTNET_VERSION\} AS build", dockerfile);
        Assert.Matches(@"FROM mcr\.microsoft\.com/dotnet/aspnet:\$\{DOTNET_VERSION\} AS service", dockerfile);
        Assert.Contains("ARG DOTNET_VERSION=10.0", dockerfile, StringComparison.Ordinal);
    }

    // KEY: value or KEY=value where KEY ends in a secret-ish word (environment entries and connection strings).
    [GeneratedRegex(@"(?i)\b[\w.]*(password|secret|token|pgpassword)\s*[:=]\s*(?<value>[^\s;""]+)")]
    private static partial Regex SecretAssignment();
}
