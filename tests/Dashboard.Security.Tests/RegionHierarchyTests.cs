using Dapper;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Storage;
using Dashboard.Security.Jurisdiction;
using Dashboard.Testing;

namespace Dashboard.Security.Tests;

/// <summary>The in-memory hierarchy jurisdictions are expanded against, on the real ClickHouse with the seeded catalogue.</summary>
public class RegionHierarchyTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Jurisdiction_expands_to_sub_regions_ancestors_and_parents()
    {
        await using var db = await TestDatabase.CreateAsync("security_scope", Schema.Full);
        using var hierarchy = new RegionHierarchy(new CatalogueStore(new ClickHouseDatabase(db.ConnectionString)), TimeProvider.System);
        var kunshan = await hierarchy.ExpandAsync(["320583"], Ct);
        Assert.Contains("320583", kunshan.Regions);
        Assert.Contains("320583100", kunshan.Regions); // 玉山镇, a town under 昆山市
        Assert.DoesNotContain("320500", kunshan.Regions); // the parent is not included
        Assert.Equal(["320000", "320500", "320583"], kunshan.Ancestors.Order(StringComparer.Ordinal)); // 江苏省, 苏州市, itself
        // Kunshan's towns have no sub-regions in the seeds: the root is the only region with children to list.
        Assert.Equal(["320583"], kunshan.Parents);

        var suzhou = await hierarchy.ExpandAsync(["320500"], Ct);
        Assert.True(suzhou.Regions.IsSupersetOf(kunshan.Regions));
        Assert.Contains("320583", suzhou.Parents);
        Assert.All(suzhou.Parents, p => Assert.Contains(p, suzhou.Regions));

        Assert.Empty((await hierarchy.ExpandAsync([], Ct)).Regions);
        var unknown = await hierarchy.ExpandAsync(["NOPE01"], Ct);
        Assert.Equal(["NOPE01"], unknown.Regions);
        Assert.Equal(["NOPE01"], unknown.Parents);
    }

    [Fact]
    public async Task A_region_added_to_the_catalogue_is_seen_after_the_recheck_interval()
    {
        await using var db = await TestDatabase.CreateAsync("security_scope_change", Schema.Full);
        var ch = new ClickHouseDatabase(db.ConnectionString);
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero));
        using var hierarchy = new RegionHierarchy(new CatalogueStore(ch), clock);
        var before = await hierarchy.ExpandAsync(["320583"], Ct);
        Assert.DoesNotContain("320583999", before.Regions);

        await using (var c = await ch.OpenAsync(Ct))
        {
            await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES ('320583999', '测试镇', 'Town', '320583', '镇', 'test')");
            await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES ('320583999001', '测试学校', 'School', '320583999', '', 'test')");
        }
        // Within the interval the cached reading answers (no query per request)…
        Assert.DoesNotContain("320583999", (await hierarchy.ExpandAsync(["320583"], Ct)).Regions);
        // …after it, the changed parts of the regions table are noticed and the hierarchy is read again.
        clock.Advance(RegionHierarchy.RecheckInterval);
        var after = await hierarchy.ExpandAsync(["320583"], Ct);
        Assert.Contains("320583999", after.Regions);
        Assert.Contains("320583999001", after.Regions);
        Assert.Equal(["320583", "320583999"], after.Parents); // the new town has a school under it now
        Assert.Equal(["320000", "320500", "320583", "320583999"], (await hierarchy.ExpandAsync(["320583999001"], Ct)).Ancestors.Order(StringComparer.Ordinal).Where(a => a != "320583999001"));
    }
}
