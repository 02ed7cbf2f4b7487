using Dapper;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Storage;
using Dashboard.Testing;

namespace Dashboard.Data.Tests.Catalogue;

/// <summary>The whole catalogue the scorecard engine takes: reused while its tables are unchanged, read again at once after a change.</summary>
public sealed class WholeCatalogueTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task It_is_reused_until_a_region_indicator_or_target_is_written()
    {
        await using var db = await TestDatabase.CreateAsync("catalogue_whole", Schema.Full);
        var ch = new ClickHouseDatabase(db.ConnectionString);
        var store = new CatalogueStore(ch);
        var first = await store.GetWholeAsync(Ct);
        Assert.Contains(first.Regions, r => r.Code == "320583");
        Assert.NotEmpty(first.Indicators);
        Assert.NotEmpty(first.Targets);
        Assert.Same(first, await store.GetWholeAsync(Ct)); // nothing changed: the same reading

        await using (var c = await ch.OpenAsync(Ct))
            await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES ('320583998', '新镇', 'Town', '320583', '镇', 'test')");
        var second = await store.GetWholeAsync(Ct);
        Assert.NotSame(first, second);
        Assert.Contains(second.Regions, r => r.Code == "320583998" && r.ParentCode == "320583");
        Assert.Equal(first.Regions.Count + 1, second.Regions.Count);

        // A new target version is a write to targets: seen on the next call, without waiting.
        var target = second.Targets[0];
        await new TargetStore(ch).SaveNewVersionAsync(target with { Value = target.Value + 0.01m }, "督导员", "a test edit", Ct);
        var third = await store.GetWholeAsync(Ct);
        Assert.NotSame(second, third);
        Assert.Equal(target.Value + 0.01m, Assert.Single(third.Targets, t => t.Id == target.Id).Value);
    }
}
