using Dashboard.Testing;
using System.Diagnostics;
using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Migrations;

namespace Dashboard.ClickHouse.Tests.Migrations;

[Collection(ClickHouseTests.Name)]
public sealed class MigratorTests(ClickHouseFixture db)
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Migrations", "Fixtures", name);

    private static string FreshDatabase() => ClickHouseConnection.WithDatabase(TestDatabase.Server, "mig_" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task Applies_pending_files_in_order_and_records_them_then_does_nothing_the_second_time()
    {
        var cs = FreshDatabase();
        var migrator = new ClickHouseMigrator(cs, Fixture("good"));
        var first = await migrator.MigrateAsync(CancellationToken.None);
        Assert.Equal(["0001_create_items.sql", "0002_seed_items.sql"], first.Select(f => f.Name));

        var second = await migrator.MigrateAsync(CancellationToken.None);
        Assert.Empty(second);

        await using var c = new ClickHouseConnection(cs);
        await c.OpenAsync();
        Assert.Equal(1UL, await c.ExecuteScalarAsync<ulong>("SELECT count() FROM items"));
        Assert.Equal("a;b", await c.ExecuteScalarAsync<string>("SELECT note FROM items"));
        var recorded = (await c.QueryAsync<uint>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal([1u, 2u], recorded);
        var status = await migrator.GetStatusAsync(CancellationToken.None);
        Assert.True(status.UpToDate);
        Assert.Equal(0UL, await c.ExecuteScalarAsync<ulong>("SELECT count() FROM system.tables WHERE database = @d AND name = 'schema_migrations_lock'", new { d = c.Database }));
    }

    [Fact]
    public async Task Two_processes_at_once_apply_each_file_exactly_once()
    {
        var cs = FreshDatabase();
        var tool = Path.Combine(AppContext.BaseDirectory, "Dashboard.Migrate.dll");
        Assert.True(File.Exists(tool), $"{tool} was not built next to the tests");

        var runs = Enumerable.Range(0, 2).Select(_ => RunToolAsync(tool, cs, Fixture("good"))).ToArray();
        var results = await Task.WhenAll(runs);
        foreach (var (code, output) in results) Assert.True(code == 0, output);
        Assert.Single(results, r => r.Output.Contains("applied 0002_seed_items.sql", StringComparison.Ordinal));

        await using var c = new ClickHouseConnection(cs);
        await c.OpenAsync();
        Assert.Equal(1UL, await c.ExecuteScalarAsync<ulong>("SELECT count() FROM items"));
        Assert.Equal(1UL, await c.ExecuteScalarAsync<ulong>("SELECT count() FROM applied_log"));
        Assert.Equal(2UL, await c.ExecuteScalarAsync<ulong>("SELECT count() FROM schema_migrations"));
    }

    [Fact]
    public async Task A_bad_migration_fails_loudly_with_its_file_name_and_is_not_recorded()
    {
        var cs = FreshDatabase();
        var migrator = new ClickHouseMigrator(cs, Fixture("bad"));
        var e = await Assert.ThrowsAsync<MigrationException>(() => migrator.MigrateAsync(CancellationToken.None));
        Assert.Contains("0002_broken.sql", e.Message, StringComparison.Ordinal);
        Assert.Contains("statement 2 of 2", e.Message, StringComparison.Ordinal);
        Assert.IsType<ClickHouseException>(e.InnerException);

        var status = await migrator.GetStatusAsync(CancellationToken.None);
        Assert.Equal([1], status.Applied.Select(a => a.Version));
        Assert.Equal(["0002_broken.sql"], status.Pending.Select(p => p.Name));
    }

    [Fact]
    public void A_badly_named_file_is_refused_by_name()
    {
        var e = Assert.Throws<MigrationException>(() => new ClickHouseMigrator(db.ConnectionString, Fixture("badname")).ReadFiles());
        Assert.Contains("1_missing_digits.sql", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_applied_file_edited_afterwards_stops_the_migrator()
    {
        var cs = FreshDatabase();
        var dir = Directory.CreateTempSubdirectory("mig").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "0001_a.sql"), "CREATE TABLE IF NOT EXISTS a (id UInt32) ENGINE = MergeTree ORDER BY id;");
        var migrator = new ClickHouseMigrator(cs, dir);
        await migrator.MigrateAsync(CancellationToken.None);
        await File.AppendAllTextAsync(Path.Combine(dir, "0001_a.sql"), "\n-- edited");
        var e = await Assert.ThrowsAsync<MigrationException>(() => migrator.MigrateAsync(CancellationToken.None));
        Assert.Contains("0001_a.sql", e.Message, StringComparison.Ordinal);
        Assert.Equal(["0001_a.sql"], (await migrator.GetStatusAsync(CancellationToken.None)).Modified);
    }

    [Fact]
    public async Task The_project_migrations_apply_cleanly_twice()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Dashboard.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var repoSql = Path.Combine(root.FullName, "sql");
        var migrator = new ClickHouseMigrator(FreshDatabase(), repoSql);
        var applied = await migrator.MigrateAsync(CancellationToken.None);
        Assert.NotEmpty(applied);
        Assert.Empty(await migrator.MigrateAsync(CancellationToken.None));
    }

    private static async Task<(int Code, string Output)> RunToolAsync(string tool, string connectionString, string dir)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(tool);
        psi.ArgumentList.Add("--dir");
        psi.ArgumentList.Add(dir);
        psi.Environment["ConnectionStrings__ClickHouse"] = connectionString;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }
}
