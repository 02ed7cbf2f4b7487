using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using static Dashboard.Data.Catalogue.Comparator;
using static Dashboard.Data.Catalogue.TargetKind;
using static Dashboard.Data.Scorecard.ScorecardStatus;

namespace Dashboard.Data.Tests.Scorecard;

/// <summary>Hand-worked cases for the methodology's edge rules: freshness, revisions, zero denominators, inheritance, overrides, ranking.</summary>
[Collection(DataTests.Name)]
public sealed class EdgeRuleCases(DataFixture fx)
{
    private static async Task<Scenario> MonthlyLevelAsync(Scenario s, params string[] counties)
    {
        await s.RegionsAsync(counties.Select(c => (c, "")).ToArray());
        await s.IndicatorAsync("R", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Month);
        await s.TargetAsync("L", s.City, "R", Level, Ge, 0.90m, "2023-01-01", "2023-12-31", "2023-01-01");
        return s;
    }

    [Fact]
    public async Task C25_no_observations_is_no_data_and_never_lagging()
    {
        var s = await MonthlyLevelAsync(new Scenario(fx, "C25"), "A");
        var card = await s.EvaluateAsync("2023-07-01");
        Assert.All(card.Rows, r => Assert.Equal(NoData, r.Status));
        Assert.Equal(2, card.Rows.Count); // the city and its district (inherited)
        Assert.Empty(card.Lagging);
        Assert.False(s.Row(card, s.City, "L").Stale);
    }

    [Fact]
    public async Task C26_freshness_counts_periods_between_the_latest_data_and_the_period_of_the_as_of_date()
    {
        // Monthly, window 2: as of 2023-06-15, April data is fresh (June − April = 2), March data is stale (3).
        var s = await MonthlyLevelAsync(new Scenario(fx, "C26"), "A", "B");
        await s.RatioAsync(s.Region("A"), "R", "2023-03", 85, 100);
        await s.RatioAsync(s.Region("B"), "R", "2023-04", 85, 100);
        var card = await s.EvaluateAsync("2023-06-15");
        Assert.True(s.Row(card, s.Region("A"), "L").Stale);
        Assert.False(s.Row(card, s.Region("B"), "L").Stale);
        // The window is configuration: with 3 periods allowed, March is fresh too.
        var relaxed = await s.EvaluateAsync("2023-06-15", new ScorecardOptions { FreshnessPeriods = 3 });
        Assert.False(s.Row(relaxed, s.Region("A"), "L").Stale);
    }

    [Fact]
    public async Task C27_the_highest_revision_wins_and_ties_go_to_the_latest_load()
    {
        var s = await MonthlyLevelAsync(new Scenario(fx, "C27"), "A", "B");
        // A: revision 2 (0.86) was loaded before revision 1 (0.80) arrived late: revision 2 still wins.
        await s.RatioAsync(s.Region("A"), "R", "2023-06", 86, 100, revision: 2, loadedAt: "2023-07-05 08:00:00");
        await s.RatioAsync(s.Region("A"), "R", "2023-06", 80, 100, revision: 1, loadedAt: "2023-07-10 08:00:00");
        // B: revision 1 loaded twice with different numbers: the later load (0.75) wins.
        await s.RatioAsync(s.Region("B"), "R", "2023-06", 70, 100, revision: 1, loadedAt: "2023-07-05 08:00:00");
        await s.RatioAsync(s.Region("B"), "R", "2023-06", 75, 100, revision: 1, loadedAt: "2023-07-10 08:00:00");
        var card = await s.EvaluateAsync("2023-07-01");
        Assert.Equal(0.86m, s.Row(card, s.Region("A"), "L").Actual);
        Assert.Equal(0.75m, s.Row(card, s.Region("B"), "L").Actual);
        // City: current revisions only: (86 + 75) / (100 + 100) = 0.805.
        Assert.Equal(0.805m, s.Row(card, s.City, "L").Actual);
        Assert.Equal(new DateTime(2023, 7, 5, 8, 0, 0, DateTimeKind.Utc), s.Row(card, s.Region("A"), "L").LoadedAt);
    }

    [Fact]
    public async Task C28_a_zero_denominator_gives_no_value_for_that_period()
    {
        var s = await MonthlyLevelAsync(new Scenario(fx, "C28"), "A", "B");
        await s.RatioAsync(s.Region("A"), "R", "2023-05", 80, 100);
        await s.RatioAsync(s.Region("A"), "R", "2023-06", 0, 0);
        await s.RatioAsync(s.Region("B"), "R", "2023-06", 30, 40);
        var card = await s.EvaluateAsync("2023-07-01");
        // A: June is 0/0 → no value; the latest period with a value is May = 0.80.
        var a = s.Row(card, s.Region("A"), "L");
        Assert.Equal(0.80m, a.Actual);
        Assert.Equal(new DateOnly(2023, 5, 1), a.ActualPeriod);
        // City June: (0 + 30) / (0 + 40) = 0.75: the empty district adds nothing to either sum.
        Assert.Equal(0.75m, s.Row(card, s.City, "L").Actual);
    }

    [Fact]
    public async Task C29_a_sub_region_with_its_own_target_does_not_inherit_and_its_towns_inherit_from_it()
    {
        var s = new Scenario(fx, "C29");
        await s.RegionsAsync(("A", ""), ("B", ""), ("A1", "A"));
        await s.IndicatorAsync("R", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Month);
        await s.TargetAsync("CITY", s.City, "R", Level, Ge, 0.90m, "2023-01-01", "2023-12-31");
        await s.TargetAsync("OWN", s.Region("A"), "R", Level, Ge, 0.85m, "2023-01-01", "2023-12-31");
        await s.RatioAsync(s.Region("A1"), "R", "2023-06", 84, 100);
        await s.RatioAsync(s.Region("B"), "R", "2023-06", 88, 100);
        var card = await s.EvaluateAsync("2023-07-01");

        var pairs = card.Rows.Select(r => (r.RegionCode, r.TargetId, r.Inherited, r.TargetRegionCode)).ToHashSet();
        Assert.Equal(4, pairs.Count);
        Assert.Contains((s.City, s.TargetId("CITY"), false, s.City), pairs);
        Assert.Contains((s.Region("A"), s.TargetId("OWN"), false, s.Region("A")), pairs);
        Assert.Contains((s.Region("B"), s.TargetId("CITY"), true, s.City), pairs);
        Assert.Contains((s.Region("A1"), s.TargetId("OWN"), true, s.Region("A")), pairs);
        // A's value rolls up from its town: 0.84.
        Assert.Equal(0.84m, s.Row(card, s.Region("A"), "OWN").Actual);
        // The city's value covers every district: (84 + 88) / 200 = 0.86.
        Assert.Equal(0.86m, s.Row(card, s.City, "CITY").Actual);
    }

    [Fact]
    public async Task C30_an_override_is_kept_beside_the_computed_rating_from_its_date_on()
    {
        var s = await MonthlyLevelAsync(new Scenario(fx, "C30"), "A");
        await s.RatioAsync(s.Region("A"), "R", "2023-01", 80, 100);
        await s.RatioAsync(s.Region("A"), "R", "2023-06", 82, 100);
        await s.OverrideAsync(s.Region("A"), "L", Green, "6月数据口径调整，实际已达序时进度", "2023-06-01");
        await s.OverrideAsync(s.Region("A"), "L", AmberGreen, "复核后调整", "2023-08-01");

        var july = s.Row(await s.EvaluateAsync("2023-07-01"), s.Region("A"), "L");
        Assert.Equal(Red, july.Status); // computed: r = 0.297253 (see C04), never replaced
        Assert.NotNull(july.Override);
        Assert.Equal(Green, july.Override.Status);
        Assert.Equal("6月数据口径调整，实际已达序时进度", july.Override.Reason);
        Assert.Equal("inspector-C30", july.Override.Author);

        var september = s.Row(await s.EvaluateAsync("2023-09-01"), s.Region("A"), "L");
        Assert.Equal(AmberGreen, september.Override!.Status);
        var may = s.Row(await s.EvaluateAsync("2023-05-15"), s.Region("A"), "L");
        Assert.Null(may.Override);

        await Assert.ThrowsAsync<ArgumentException>(() => s.OverrideAsync(s.Region("A"), "L", Green, "  ", "2023-06-01"));
    }

    [Fact]
    public async Task C31_lagging_regions_rank_missed_then_red_then_amber_red_by_shortfall()
    {
        var s = new Scenario(fx, "C31");
        await s.RegionsAsync(("A", ""), ("B", ""), ("C", ""), ("D", ""), ("E", ""));
        await s.IndicatorAsync("R", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Month);
        await s.TargetAsync("M22", s.City, "R", Level, Ge, 0.80m, "2022-01-01", "2022-12-31");
        await s.TargetAsync("M23", s.City, "R", Level, Ge, 0.90m, "2023-01-01", "2023-12-31", "2023-01-01");
        var june = new Dictionary<string, int> { ["A"] = 86, ["B"] = 84, ["C"] = 83, ["D"] = 82, ["E"] = 70 };
        foreach (var (county, value) in june)
        {
            await s.RatioAsync(s.Region(county), "R", "2022-01", 75, 100);
            await s.RatioAsync(s.Region(county), "R", "2022-12", county == "E" ? 70 : 80, 100);
            await s.RatioAsync(s.Region(county), "R", "2023-01", 80, 100);
            await s.RatioAsync(s.Region(county), "R", "2023-06", value, 100);
        }
        var card = await s.EvaluateAsync("2023-07-01");
        // 2022 milestone (deadline passed; no baseline period, so b = January 2022 = 0.75 everywhere):
        //   E: December 2022 = 0.70 < 0.80 → Missed, r = (0.80 − 0.70) / |0.80 − 0.75| = 2;
        //   city: (4 × 80 + 70) / 500 = 0.78 → Missed, r = 0.02 / 0.05 = 0.4; A–D met 0.80.
        // 2023 milestone (e = 0.849725): A 0.86 Green, B 0.84 AmberGreen, C 0.83 AmberRed (r 0.197253),
        //   D 0.82 Red (r 0.297253), E 0.70 Red (r 1.497253); city 405/500 = 0.81 → Red (r 0.397253).
        var ranked = card.Lagging.Select(r => (r.RegionCode, r.TargetId)).ToList();
        Assert.Equal(
        [
            (s.Region("E"), s.TargetId("M22")),
            (s.City, s.TargetId("M22")),
            (s.Region("E"), s.TargetId("M23")),
            (s.City, s.TargetId("M23")),
            (s.Region("D"), s.TargetId("M23")),
            (s.Region("C"), s.TargetId("M23")),
        ], ranked);
        Assert.Equal([2m, 0.4m, 1.497253m, 0.397253m, 0.297253m, 0.197253m], card.Lagging.Select(r => r.RelativeShortfall!.Value));
        Assert.Equal(Met, s.Row(card, s.Region("A"), "M22").Status);
    }

    [Fact]
    public async Task C32_max_indicators_roll_up_as_the_maximum()
    {
        // Largest class ≤ 55 (ceiling) 2024–2025: A's largest 50, B's 58 → the city's largest is 58, not 108 or 54.
        var s = new Scenario(fx, "C32");
        await s.RegionsAsync(("A", ""), ("B", ""));
        await s.IndicatorAsync("MAXC", IndicatorKind.Max, Direction.LowerIsBetter, Periodicity.Term);
        await s.TargetAsync("CEIL", s.City, "MAXC", Ceiling, Le, 55m, "2024-01-01", "2025-12-31");
        await s.ValueAsync(s.Region("A"), "MAXC", "2024-03", 52);
        await s.ValueAsync(s.Region("B"), "MAXC", "2024-03", 60);
        await s.ValueAsync(s.Region("A"), "MAXC", "2024-09", 50);
        await s.ValueAsync(s.Region("B"), "MAXC", "2024-09", 58);
        var row = s.Row(await s.EvaluateAsync("2024-10-01"), s.City, "CEIL");
        // a = 58; b = spring 2024 = max(52, 60) = 60; s = 58 − 55 = 3; r = 3 / |55 − 60| = 0.6 → Red.
        Assert.Equal(58m, row.Actual);
        Assert.Equal(60m, row.Baseline);
        Assert.Equal(0.6m, row.RelativeShortfall);
        Assert.Equal(Red, row.Status);
    }

    [Fact]
    public async Task C33_thresholds_are_configuration()
    {
        var s = await MonthlyLevelAsync(new Scenario(fx, "C33"), "A");
        await s.RatioAsync(s.Region("A"), "R", "2023-01", 80, 100);
        await s.RatioAsync(s.Region("A"), "R", "2023-06", 83, 100);
        // r = 0.197253: AmberRed by default, AmberGreen when AmberGreen reaches 0.20.
        Assert.Equal(AmberRed, s.Row(await s.EvaluateAsync("2023-07-01"), s.City, "L").Status);
        var loose = await s.EvaluateAsync("2023-07-01", new ScorecardOptions { AmberGreenMax = 0.20m, AmberRedMax = 0.30m });
        Assert.Equal(AmberGreen, s.Row(loose, s.City, "L").Status);
    }

    [Fact]
    public async Task C34_an_edited_target_is_judged_on_its_latest_version()
    {
        var s = await MonthlyLevelAsync(new Scenario(fx, "C34"), "A");
        await s.TargetAsync("L", s.City, "R", Level, Ge, 0.85m, "2023-01-01", "2023-12-31", "2023-01-01", version: 2);
        await s.RatioAsync(s.Region("A"), "R", "2023-01", 80, 100);
        await s.RatioAsync(s.Region("A"), "R", "2023-06", 83, 100);
        // Version 2: v = 0.85; e = 0.80 + 0.05 × 181/364 = 0.824863; a = 0.83 ≥ e → Green.
        var row = s.Row(await s.EvaluateAsync("2023-07-01"), s.City, "L");
        Assert.Equal(2u, row.TargetVersion);
        Assert.Equal(0.85m, row.TargetValue);
        Assert.Equal(0.824863m, row.Expected);
        Assert.Equal(Green, row.Status);
    }

    [Fact]
    public async Task C36_sums_are_not_inherited_but_ratios_and_ceilings_are()
    {
        // City targets: ≥ 12,800 new places in 2025 (a count: a city total, not each district's), no class
        // of 56+ (a ceiling: 0 for the city means 0 in every district), ≥ 90% absorption (a ratio).
        var s = new Scenario(fx, "C36");
        await s.RegionsAsync(("A", ""));
        await s.IndicatorAsync("N", IndicatorKind.Count, Direction.HigherIsBetter, Periodicity.Year);
        await s.IndicatorAsync("BC", IndicatorKind.Count, Direction.LowerIsBetter, Periodicity.Term);
        await s.IndicatorAsync("R", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Month);
        await s.TargetAsync("PLACES", s.City, "N", Cumulative, Ge, 12800m, "2025-01-01", "2025-12-31");
        await s.TargetAsync("BIG", s.City, "BC", Ceiling, Le, 0m, "2025-01-01", "2025-12-31");
        await s.TargetAsync("ABS", s.City, "R", Level, Ge, 0.9m, "2025-01-01", "2025-12-31");
        var card = await s.EvaluateAsync("2025-06-30");
        var district = card.Rows.Where(r => r.RegionCode == s.Region("A")).Select(r => r.TargetId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([s.TargetId("ABS"), s.TargetId("BIG")], district);
        Assert.Equal(3, card.Rows.Count(r => r.RegionCode == s.City));
    }

    [Fact]
    public async Task C37_schools_feed_their_town_and_are_judged_only_when_asked()
    {
        var s = new Scenario(fx, "C37");
        await s.RegionsAsync(("T", ""));
        await s.SubRegionsAsync("School", ("S1", "T"), ("S2", "T"));
        await s.IndicatorAsync("R", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Month);
        await s.TargetAsync("L", s.City, "R", Level, Ge, 0.90m, "2023-01-01", "2023-12-31");
        await s.RatioAsync(s.Region("S1"), "R", "2023-06", 45, 50);
        await s.RatioAsync(s.Region("S2"), "R", "2023-06", 40, 50);
        await s.RatioAsync(s.Region("T"), "R", "2023-06", 5, 0); // the town's own row: adds to the numerator only
        var card = await s.EvaluateAsync("2023-07-01");
        // The town: (45 + 40 + 5) / (50 + 50 + 0) = 0.90; the city the same. No school rows by default.
        Assert.Equal(0.90m, s.Row(card, s.Region("T"), "L").Actual);
        Assert.Equal(0.90m, s.Row(card, s.City, "L").Actual);
        Assert.Equal(2, card.Rows.Count);
        var withSchools = await s.EvaluateAsync("2023-07-01", new ScorecardOptions { JudgeSchools = true });
        Assert.Equal(4, withSchools.Rows.Count);
        Assert.Equal(0.90m, s.Row(withSchools, s.Region("S1"), "L").Actual); // 45 / 50
        Assert.Equal(0.80m, s.Row(withSchools, s.Region("S2"), "L").Actual); // 40 / 50
        Assert.Equal(0.90m, s.Row(withSchools, s.Region("T"), "L").Actual);
    }

    [Fact]
    public async Task C35_an_unknown_root_region_is_refused_by_name()
    {
        var e = await Assert.ThrowsAsync<KeyNotFoundException>(() => fx.Engine().EvaluateAsync("NO_SUCH_REGION", new DateOnly(2023, 7, 1), CancellationToken.None));
        Assert.Contains("NO_SUCH_REGION", e.Message, StringComparison.Ordinal);
    }
}
