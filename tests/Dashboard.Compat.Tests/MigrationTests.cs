using Dashboard.ClickHouse.Migrations;
using Dashboard.Compat.Tests.Corpus;

namespace Dashboard.Compat.Tests;

/// <summary>Every statement of sql/ runs on the modern engine, in order, through the product's provider.</summary>
[Collection(ChDbTests.Name)]
public sealed class MigrationTests(CompatFixture fixture)
{
    /// <summary>The statement keys, one test case each.</summary>
    public static TheoryData<string> Statements() => new(MigrationCorpus.All.Select(s => s.Key));

    [Theory]
    [MemberData(nameof(Statements))]
    public void Migration_statement_runs_on_chDB(string key)
    {
        var outcome = fixture.Migration(key);
        Assert.True(outcome.Error is null, Report.Failure(key, outcome));
    }

    [Fact]
    public async Task Migrator_applies_every_file_on_chDB()
    {
        // The migrator's own statements (its table, lock, bookkeeping reads) on a database of their own.
        var cs = Dashboard.ClickHouse.Ado.ClickHouseConnection.WithDatabase(fixture.Server.ConnectionString, "compat_migrator");
        var migrator = new ClickHouseMigrator(cs, Path.Combine(AppContext.BaseDirectory, "sql"));
        var applied = await migrator.MigrateAsync(CancellationToken.None);
        Assert.Equal(migrator.ReadFiles().Count, applied.Count);
        var status = await migrator.GetStatusAsync(CancellationToken.None);
        Assert.True(status.UpToDate);
        Assert.Empty(await migrator.MigrateAsync(CancellationToken.None));
    }
}
