using Dapper;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;

namespace Dashboard.Data.Tests.Scorecard;

/// <summary>
/// observation_rollup, which the engine reads instead of aggregating every observation: kept equal to the
/// from-scratch roll-up (ScorecardEngine.RollUpSql) through refreshes, restatements and a rebuild.
/// </summary>
[Collection(DataTests.Name)]
public sealed class RollupTests(DataFixture fx)
{
    private sealed record Group(string Region, string Indicator, DateTime Period, decimal? Numerator, decimal? Denominator, decimal? SumValue, decimal? MaxValue, DateTime LoadedAt);

    private async Task<List<Group>> FromTableAsync(string root, IEnumerable<string> judged)
    {
        await using var c = await fx.Database.OpenAsync(CancellationToken.None);
        var rows = await c.QueryAsync<Group>(ScorecardEngine.RollUpFromTableSql,
            new { judged = judged.ToArray(), indicators = new[] { root + "_R", root + "_N" }, asOf = new DateOnly(2030, 1, 1) });
        return [.. rows.OrderBy(g => g.Region, StringComparer.Ordinal).ThenBy(g => g.Indicator, StringComparer.Ordinal).ThenBy(g => g.Period)];
    }

    private async Task<List<Group>> FromScratchAsync(string root)
    {
        await using var c = await fx.Database.OpenAsync(CancellationToken.None);
        var rows = await c.QueryAsync<Group>(ScorecardEngine.RollUpSql,
            new { root, indicators = new[] { root + "_R", root + "_N" }, asOf = new DateOnly(2030, 1, 1), collapseSchools = 1 });
        return [.. rows.OrderBy(g => g.Region, StringComparer.Ordinal).ThenBy(g => g.Indicator, StringComparer.Ordinal).ThenBy(g => g.Period)];
    }

    [Fact]
    public async Task Schools_sum_into_their_town_and_a_restatement_replaces_the_old_revision()
    {
        var s = new Scenario(fx, "R01");
        await s.RegionsAsync(("D", ""));
        await s.SubRegionsAsync("Town", ("T", "D"));
        await s.SubRegionsAsync("School", ("S1", "T"), ("S2", "T"));
        await s.IndicatorAsync("R", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Year);
        await s.IndicatorAsync("N", IndicatorKind.Count, Direction.HigherIsBetter, Periodicity.Year);
        await s.RatioAsync(s.Region("S1"), "R", "2023", 30, 40);
        await s.RatioAsync(s.Region("S2"), "R", "2023", 50, 60);
        await s.RatioAsync(s.Region("T"), "R", "2023", 5, 10);      // the town reports for itself too
        await s.ValueAsync(s.Region("S1"), "N", "2023", 100);
        await s.ValueAsync(s.Region("S1"), "N", "2023", 120, revision: 2, loadedAt: "2026-02-01 00:00:00"); // restated

        var judged = new[] { s.City, s.Region("D"), s.Region("T") };
        var groups = await FromTableAsync("R01", judged);
        // By hand: the town's ratio group sums S1, S2 and its own row: 30 + 50 + 5 = 85 over 40 + 60 + 10 = 110;
        // its count group holds S1's revision 2 only: 120.
        var ratio = Assert.Single(groups, g => g.Indicator == "R01_R");
        Assert.Equal((s.Region("T"), 85m, 110m), (ratio.Region, ratio.Numerator!.Value, ratio.Denominator!.Value));
        var count = Assert.Single(groups, g => g.Indicator == "R01_N");
        Assert.Equal(120m, count.SumValue);
        Assert.Equal(new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), count.LoadedAt);

        Assert.Equal(await FromScratchAsync("R01"), groups);
    }

    [Fact]
    public async Task A_rebuild_equals_the_from_scratch_roll_up_after_a_school_moves_to_another_town()
    {
        var s = new Scenario(fx, "R02");
        await s.RegionsAsync(("D", ""));
        await s.SubRegionsAsync("Town", ("T1", "D"), ("T2", "D"));
        await s.SubRegionsAsync("School", ("S", "T1"));
        await s.IndicatorAsync("R", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Year);
        await s.IndicatorAsync("N", IndicatorKind.Count, Direction.HigherIsBetter, Periodicity.Year);
        await s.ValueAsync(s.Region("S"), "N", "2024", 7);
        var judged = new[] { s.City, s.Region("D"), s.Region("T1"), s.Region("T2") };
        Assert.Equal(s.Region("T1"), Assert.Single(await FromTableAsync("R02", judged)).Region);

        // The school now belongs to T2 (a new version of its region row).
        await using (var c = await fx.Database.OpenAsync(CancellationToken.None))
            await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES (@code, 'moved', 'School', @parent, '', 'test')",
                new { code = s.Region("S"), parent = s.Region("T2") });
        await new ObservationRollup(fx.Database).RebuildAsync(CancellationToken.None);

        var after = await FromTableAsync("R02", judged);
        var group = Assert.Single(after);
        Assert.Equal((s.Region("T2"), 7m), (group.Region, group.SumValue!.Value));
        Assert.Equal(await FromScratchAsync("R02"), after);
    }
}
