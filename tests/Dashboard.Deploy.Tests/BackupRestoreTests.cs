using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Dashboard.Deploy.Tests;

/// <summary>
/// One backup of a loaded server (migrations, seeded catalogue, observations over several years and
/// revisions, runs, rejections, a SQLite operational store with accounts) and its restore into a fresh server,
/// made once for the tests below.
/// </summary>
public sealed class BackupRestoreFixture : IAsyncLifetime
{
    public const int RawRows = 120_000;

    public ClickHouseServer Source { get; private set; } = null!;
    public ClickHouseServer Target { get; private set; } = null!;
    public string Work { get; } = Directory.CreateTempSubdirectory("dashboard-deploy-backup.").FullName;
    public string BackupDir => Path.Combine(Work, "backup");
    public string SourceStore => Path.Combine(Work, "source-store.db");
    public string TargetStore => Path.Combine(Work, "target-store.db");
    public ProcessResult Backup { get; private set; } = null!;
    public ProcessResult Restore { get; private set; } = null!;

    public static Dictionary<string, string> Env(ClickHouseServer server, string store) => new(server.Environment)
    {
        ["Security__Store__Provider"] = "Sqlite",
        ["Security__Store__ConnectionString"] = $"Data Source={store}",
        ["DASHBOARD_ADMIN"] = Repo.Tool("Dashboard.Admin"),
    };

    public async Task InitializeAsync()
    {
        Source = await ClickHouseServer.StartAsync("source");
        Target = await ClickHouseServer.StartAsync("target");

        var migrate = await Repo.RunAsync("dotnet", [Repo.Tool("Dashboard.Migrate"), "--dir", Path.Combine(Repo.Root, "sql")],
            new Dictionary<string, string> { ["ConnectionStrings__ClickHouse"] = Source.ConnectionString("dashboard") });
        Assert.True(migrate.ExitCode == 0, migrate.ToString());

        // Observations in 8 year partitions, every key at 3 revisions: the current table keeps several rows
        // per key until parts merge, which is what FINAL in the checksum has to see through.
        await Source.QueryAsync($"""
            INSERT INTO observations_raw (region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at)
            SELECT toString(320583100 + k % 97), concat('IND_', toString(k % 13)), toDate('2019-01-01') + (k % 2900),
                   if(k % 4 = 0, NULL, toDecimal64(number % 911, 4)), if(k % 4 = 0, NULL, toDecimal64(1000, 4)),
                   if(k % 4 = 0, toDecimal64(number % 1000, 4) / 7, NULL), toUInt32(intDiv(number, {RawRows / 3})), '320583-edu',
                   concat('run-', toString(number % 5)), toDateTime('2025-01-01 00:00:00') + number, toDateTime('2025-06-01 00:00:00') + number
            FROM (SELECT number, number % {RawRows / 3} AS k FROM numbers({RawRows}))
            """, "dashboard");
        await Source.QueryAsync("""
            INSERT INTO observations (region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at)
            SELECT region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at
            FROM observations_raw WHERE revision < 2
            """, "dashboard");
        await Source.QueryAsync("""
            INSERT INTO observations (region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at)
            SELECT region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at
            FROM observations_raw WHERE revision = 2
            """, "dashboard");
        await Source.QueryAsync("""
            INSERT INTO rejections (id, run_id, source_id, region_code, row_number, row, field, reason, rejected_at)
            SELECT toString(number), 'run-1', '320583-edu', '', toUInt32(number), concat('{"value":"', toString(number), '\t\\"x"}'), 'value', '数值不是数字', toDateTime('2025-06-01 00:00:00') + number
            FROM numbers(500)
            """, "dashboard");

        // The operational store: migrated and holding the demo accounts.
        var seed = await Repo.RunAsync("dotnet", [Repo.Tool("Dashboard.Admin"), "seed-demo", "--regions", "320583"], Env(Source, SourceStore));
        Assert.True(seed.ExitCode == 0, seed.ToString());

        Backup = await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "backup.sh"), [BackupDir], Env(Source, SourceStore), TimeSpan.FromMinutes(5));
        Restore = await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "restore.sh"), [BackupDir], Env(Target, TargetStore), TimeSpan.FromMinutes(5));
    }

    public async Task DisposeAsync()
    {
        await Source.DisposeAsync();
        await Target.DisposeAsync();
        Directory.Delete(Work, recursive: true);
    }
}

public sealed partial class BackupRestoreTests(BackupRestoreFixture fixture, ITestOutputHelper output) : IClassFixture<BackupRestoreFixture>
{
    [Fact]
    public async Task A_restore_into_a_fresh_server_has_every_table_with_the_same_rows_and_checksums()
    {
        Assert.True(fixture.Backup.ExitCode == 0, "backup failed:\n" + fixture.Backup);
        Assert.True(fixture.Restore.ExitCode == 0, "restore failed:\n" + fixture.Restore);
        output.WriteLine(fixture.Restore.Stdout);

        // Compared here with a checksum of the test's own (sipHash64 of each row's text), not the manifest's, so
        // a mistake shared by backup.sh and restore.sh cannot hide.
        var tables = (await fixture.Source.QueryAsync("SELECT name, engine FROM system.tables WHERE database = 'dashboard' ORDER BY name FORMAT TSV"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        var restoredTables = (await fixture.Target.QueryAsync("SELECT name, engine FROM system.tables WHERE database = 'dashboard' ORDER BY name FORMAT TSV"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        Assert.Equal(tables.Select(t => $"{t[0]} {t[1]}"), restoredTables.Select(t => $"{t[0]} {t[1]}"));

        var withRows = 0;
        foreach (var (table, engine) in tables.Select(t => (t[0], t[1])))
        {
            var columns = (await fixture.Source.QueryAsync($"SELECT name FROM system.columns WHERE database = 'dashboard' AND table = '{table}' FORMAT TSV"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var final = engine.Contains("Replacing", StringComparison.Ordinal) ? " FINAL" : "";
            var row = string.Join(", '\\t', ", columns.Select(c => $"ifNull(toString(`{c}`), 'NULL')"));
            var sql = engine == "View"
                ? $"SELECT count(), 0 FROM dashboard.`{table}` FORMAT TSV"
                : $"SELECT count(), sum(sipHash64(concat({row}))) FROM dashboard.`{table}`{final} FORMAT TSV";
            var expected = (await fixture.Source.QueryAsync(sql)).Trim();
            var actual = (await fixture.Target.QueryAsync(sql)).Trim();
            output.WriteLine($"{table,-20} {expected,-30} {actual}");
            Assert.True(expected == actual, $"{table}: source {expected}, restored {actual}");
            if (!expected.StartsWith("0\t", StringComparison.Ordinal)) withRows++;
        }
        // Not a comparison of empty tables: the catalogue, observations, runs of migrations and rejections hold rows.
        Assert.True(withRows >= 8, $"only {withRows} tables held rows");
        Assert.Equal(BackupRestoreFixture.RawRows.ToString(CultureInfo.InvariantCulture),
            (await fixture.Target.QueryAsync("SELECT count() FROM dashboard.observations_raw FORMAT TSV")).Trim());
        Assert.Equal((BackupRestoreFixture.RawRows / 3).ToString(CultureInfo.InvariantCulture),
            (await fixture.Target.QueryAsync("SELECT count() FROM dashboard.observations FINAL FORMAT TSV")).Trim());

        // The migrator finds the restored schema complete and unchanged.
        var status = await Repo.RunAsync("dotnet", [Repo.Tool("Dashboard.Migrate"), "--dir", Path.Combine(Repo.Root, "sql"), "--status"],
            new Dictionary<string, string> { ["ConnectionStrings__ClickHouse"] = fixture.Target.ConnectionString("dashboard") });
        Assert.True(status.ExitCode == 0, status.ToString());
    }

    [Fact]
    public void The_operational_store_is_restored_table_by_table_and_the_duration_is_reported()
    {
        Assert.True(fixture.Restore.ExitCode == 0, "restore failed:\n" + fixture.Restore);
        var users = StoreLine().Matches(fixture.Restore.Stdout).Single(m => m.Groups["table"].Value == "users");
        Assert.Equal("7", users.Groups["expected"].Value);
        Assert.Equal("7", users.Groups["actual"].Value);
        Assert.DoesNotContain("MISMATCH", fixture.Restore.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(fixture.TargetStore));

        var took = Duration().Match(fixture.Restore.Stdout);
        Assert.True(took.Success, fixture.Restore.ToString());
        // Reported, not asserted: a wall-clock bound would fail on a busy machine without saying anything true.
        output.WriteLine($"restore of {BackupRestoreFixture.RawRows} raw observations and the seeded catalogue: {took.Value}");
    }

    [Fact]
    public async Task A_restore_refuses_a_database_that_already_holds_tables()
    {
        var again = await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "restore.sh"), [fixture.BackupDir],
            BackupRestoreFixture.Env(fixture.Target, Path.Combine(fixture.Work, "another-store.db")));
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("restore into a clean instance", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backup_that_does_not_match_its_manifest_fails_the_restore_naming_the_table()
    {
        // A copy of the backup whose manifest claims another checksum for observations_raw, restored under
        // another database name on the target server.
        var copy = Path.Combine(fixture.Work, "tampered");
        CopyDirectory(fixture.BackupDir, copy);
        var manifest = Path.Combine(copy, "manifest.tsv");
        var lines = File.ReadAllLines(manifest).Select(l =>
        {
            var f = l.Split('\t');
            if (f[0] != "observations_raw") return l;
            f[4] = (ulong.Parse(f[4], CultureInfo.InvariantCulture) ^ 1).ToString(CultureInfo.InvariantCulture);
            return string.Join('\t', f);
        });
        File.WriteAllLines(manifest, lines);
        var env = BackupRestoreFixture.Env(fixture.Target, Path.Combine(fixture.Work, "tampered-store.db"));
        env["CH_DATABASE"] = "dashboard_tampered";
        var result = await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "restore.sh"), [copy], env);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches(@"observations_raw\s+\d+\s+\d+\s+\d+\s+MISMATCH", result.Stdout);
        Assert.Contains("1 table(s) differ from the backup", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backup_never_overwrites_a_complete_one()
    {
        var again = await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "backup.sh"), [fixture.BackupDir], BackupRestoreFixture.Env(fixture.Source, fixture.SourceStore));
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already holds a complete backup", again.Stderr, StringComparison.Ordinal);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    [GeneratedRegex(@"store:(?<table>\w+)\s+(?<expected>\d+)\s+(?<actual>\d+)\s+-\s+ok")]
    private static partial Regex StoreLine();

    [GeneratedRegex(@"restore took [0-9.]+ s \(ClickHouse [0-9.]+ s, operational store [0-9.]+ s\) for \d+ rows, \S+ backup")]
    private static partial Regex Duration();
}
