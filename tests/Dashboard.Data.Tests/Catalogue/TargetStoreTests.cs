using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;

namespace Dashboard.Data.Tests.Catalogue;

[Collection(DataTests.Name)]
public sealed class TargetStoreTests(DataFixture fx)
{
    private static Target Sample(string id) => new(id, 0, "TS1", "TS1_R", TargetKind.Level, Comparator.Ge, 0.9m,
        new DateOnly(2023, 1, 1), new DateOnly(2023, 12, 31), null, "001_cc58cea3482391e8.txt", "到2023年，……达到90%以上。", ["市教育局"]);

    [Fact]
    public async Task An_edit_is_a_new_version_and_the_history_keeps_every_version()
    {
        var store = new TargetStore(fx.Database);
        var id = "TS1-" + Guid.NewGuid().ToString("N")[..6];
        var v1 = await store.SaveNewVersionAsync(Sample(id), "admin-a", "seeded", CancellationToken.None);
        var v2 = await store.SaveNewVersionAsync(Sample(id) with { Value = 0.92m }, "admin-b", "市政府调整目标", CancellationToken.None);
        Assert.Equal(1u, v1.Target.Version);
        Assert.Equal(2u, v2.Target.Version);

        var history = await store.GetHistoryAsync(id, CancellationToken.None);
        Assert.Equal([1u, 2u], history.Select(h => h.Target.Version));
        Assert.Equal([0.9m, 0.92m], history.Select(h => h.Target.Value));
        Assert.Equal(["admin-a", "admin-b"], history.Select(h => h.Author));
        Assert.Equal("市政府调整目标", history[1].ChangeNote);
        Assert.Equal(["市教育局"], history[1].Target.ResponsibleUnits);

        var current = await new CatalogueStore(fx.Database).GetCurrentTargetsAsync(["TS1"], CancellationToken.None);
        Assert.Equal(0.92m, current.Single(t => t.Id == id).Value);
    }

    [Theory]
    [InlineData("deadline")]
    [InlineData("baselinePeriod")]
    [InlineData("clause")]
    [InlineData("author")]
    public async Task An_invalid_target_is_refused_naming_the_field(string field)
    {
        var t = Sample("TS-bad");
        var author = "admin";
        switch (field)
        {
            case "deadline": t = t with { Deadline = t.StartDate }; break;
            case "baselinePeriod": t = t with { Kind = TargetKind.ChangeFromBaseline }; break;
            case "clause": t = t with { Clause = " " }; break;
            case "author": author = ""; break;
        }
        var e = await Assert.ThrowsAsync<ArgumentException>(() => new TargetStore(fx.Database).SaveNewVersionAsync(t, author, "x", CancellationToken.None));
        Assert.Equal(field, e.ParamName);
        Assert.Empty(await new TargetStore(fx.Database).GetHistoryAsync("TS-bad", CancellationToken.None));
    }
}
