using Dashboard.Data.Catalogue;
using static Dashboard.Data.Catalogue.Comparator;
using static Dashboard.Data.Catalogue.TargetKind;
using static Dashboard.Data.Scorecard.ScorecardStatus;

namespace Dashboard.Data.Tests.Scorecard;

/// <summary>Hand-worked cases for Cumulative, Ceiling and Maintain targets.</summary>
[Collection(DataTests.Name)]
public sealed class CumulativeCeilingMaintainCases(DataFixture fx)
{
    // ≥ 12,800 new places during 2025 (S = 2025-01-01, D = 2025-12-31), monthly counts.
    private async Task<Scenario> PlacesAsync(string id, decimal perMonth, int months)
    {
        var s = new Scenario(fx, id);
        await s.RegionsAsync(("A", ""), ("B", ""));
        await s.IndicatorAsync("N", IndicatorKind.Count, Direction.HigherIsBetter, Periodicity.Month);
        await s.TargetAsync("CUM", s.City, "N", Cumulative, Ge, 12800m, "2025-01-01", "2025-12-31");
        for (var m = 1; m <= months; m++)
        {
            // Split between two districts: the city's value is the sum.
            await s.ValueAsync(s.Region("A"), "N", $"2025-{m:D2}", perMonth - 100);
            await s.ValueAsync(s.Region("B"), "N", $"2025-{m:D2}", 100);
        }
        await s.ValueAsync(s.Region("A"), "N", "2024-12", 5000); // before the window: never summed
        return s;
    }

    [Fact]
    public async Task C13_cumulative_ahead_of_the_elapsed_share_is_green()
    {
        // Jan–Jun 2,000 a month: a = 12,000 (the December 2024 5,000 lies outside the window).
        // e = 12,800 × 181/364 = 6,364.835165; s = e − a < 0 → Green; r = s / |12,800 − 0| = −0.440247.
        // Forecast: 12,000 + mean(last six) 2,000 × periods left (December − June = 6) = 24,000 → no miss.
        var s = await PlacesAsync("C13", 2000m, 6);
        var row = s.Row(await s.EvaluateAsync("2025-07-01"), s.City, "CUM");
        Assert.Equal(12000m, row.Actual);
        Assert.Equal(new DateOnly(2025, 6, 1), row.ActualPeriod);
        Assert.Equal(6364.835165m, row.Expected);
        Assert.Equal(-0.440247m, row.RelativeShortfall);
        Assert.Equal(Green, row.Status);
        Assert.Equal(24000m, row.Forecast);
        Assert.False(row.WillMiss);
    }

    [Fact]
    public async Task C14_cumulative_behind_is_red_and_will_miss()
    {
        // 500 a month: a = 3,000; s = 6,364.835165 − 3,000 = 3,364.835165; r = 0.262878 > 0.25 → Red.
        // Forecast 3,000 + 500 × 6 = 6,000 < 12,800 → will miss.
        var s = await PlacesAsync("C14", 500m, 6);
        var row = s.Row(await s.EvaluateAsync("2025-07-01"), s.City, "CUM");
        Assert.Equal(3000m, row.Actual);
        Assert.Equal(0.262878m, row.RelativeShortfall);
        Assert.Equal(Red, row.Status);
        Assert.Equal(6000m, row.Forecast);
        Assert.True(row.WillMiss);
    }

    [Theory]
    // 12 × 1,100 = 13,200 ≥ 12,800 → Met; 12 × 1,000 = 12,000 → Missed.
    [InlineData("C15", 1100, 13200, true)]
    [InlineData("C16", 1000, 12000, false)]
    public async Task Cumulative_after_the_deadline_sums_the_whole_window(string id, int perMonth, int sum, bool met)
    {
        var s = await PlacesAsync(id, perMonth, 12);
        await s.ValueAsync(s.Region("A"), "N", "2026-01", 9999); // after D: never summed
        var row = s.Row(await s.EvaluateAsync("2026-01-15"), s.City, "CUM");
        Assert.Equal(sum, row.Actual);
        Assert.Equal(met ? Met : Missed, row.Status);
        Assert.Equal(12800m, row.Expected);
    }

    [Fact]
    public async Task C17_yearly_cumulative_over_three_years_with_a_strict_comparator()
    {
        // > 10,000 high-school places 2025–2027 (S = 2025-01-01, D = 2027-12-31), yearly. As of 2026-06-30:
        // a = 3,000 (2025) + 4,000 (2026, first day 2026-01-01 ≤ T) = 7,000.
        // e = 10,000 × 545/1094 = 4,981.718464 (2025-01-01 → 2026-06-30 = 545 days; → 2027-12-31 = 1,094).
        // s < 0 → Green, r = (4,981.718464 − 7,000) / 10,000 = −0.201828.
        // Forecast 7,000 + mean(3,000, 4,000) × (2027 − 2026 = 1) = 10,500 > 10,000 → no miss.
        var s = new Scenario(fx, "C17");
        await s.RegionsAsync(("A", ""));
        await s.IndicatorAsync("HS", IndicatorKind.Count, Direction.HigherIsBetter, Periodicity.Year);
        await s.TargetAsync("CUM", s.City, "HS", Cumulative, Gt, 10000m, "2025-01-01", "2027-12-31");
        await s.ValueAsync(s.Region("A"), "HS", "2025", 3000);
        await s.ValueAsync(s.Region("A"), "HS", "2026", 4000);
        var row = s.Row(await s.EvaluateAsync("2026-06-30"), s.City, "CUM");
        Assert.Equal(7000m, row.Actual);
        Assert.Equal(4981.718464m, row.Expected);
        Assert.Equal(-0.201828m, row.RelativeShortfall);
        Assert.Equal(10500m, row.Forecast);
        Assert.False(row.WillMiss);
        Assert.Equal(Green, row.Status);
    }

    // No class of 56+ pupils (ceiling 0) from 2023-01-01 to 2025-12-31, termly counts.
    private async Task<Scenario> BigClassesAsync(string id, params (string Term, decimal Classes)[] data)
    {
        var s = new Scenario(fx, id);
        await s.RegionsAsync(("A", ""));
        await s.IndicatorAsync("BC", IndicatorKind.Count, Direction.LowerIsBetter, Periodicity.Term);
        await s.TargetAsync("CEIL", s.City, "BC", Ceiling, Le, 0m, "2023-01-01", "2025-12-31");
        foreach (var (term, classes) in data) await s.ValueAsync(s.Region("A"), "BC", term, classes);
        return s;
    }

    [Fact]
    public async Task C18_ceiling_reached_is_green()
    {
        var s = await BigClassesAsync("C18", ("2023-03", 12), ("2023-09", 5), ("2024-03", 0), ("2024-09", 0));
        var row = s.Row(await s.EvaluateAsync("2024-10-01"), s.City, "CEIL");
        // a = autumn 2024 = 0 ≤ 0 → satisfied → Green; e = v = 0; b = spring 2023 = 12; r = 0 / |0 − 12| = 0.
        Assert.Equal(0m, row.Actual);
        Assert.Equal(0m, row.Expected);
        Assert.Equal(12m, row.Baseline);
        Assert.Equal(0m, row.RelativeShortfall);
        Assert.Equal(Green, row.Status);
        // Least squares through (0, 12), (184, 5), (366, 0), (550, 0) read at 2025-12-31 (x = 1,036): −12.778311.
        Assert.Equal(-12.778311m, row.Forecast);
        Assert.False(row.WillMiss);
    }

    [Fact]
    public async Task C19_ceiling_exceeded_is_rated_against_the_distance_from_the_baseline()
    {
        var s = await BigClassesAsync("C19", ("2023-03", 12), ("2023-09", 5), ("2024-03", 0), ("2024-09", 3));
        var row = s.Row(await s.EvaluateAsync("2024-10-01"), s.City, "CEIL");
        // Lower is better: s = a − e = 3 − 0 = 3; r = 3 / |0 − 12| = 0.25 ≤ 0.25 → AmberRed.
        Assert.Equal(3m, row.Actual);
        Assert.Equal(0.25m, row.RelativeShortfall);
        Assert.Equal(AmberRed, row.Status);
        // Line through (0, 12), (184, 5), (366, 0), (550, 3) at x = 1,036: −8.287071 ≤ 0 → no miss.
        Assert.Equal(-8.287071m, row.Forecast);
    }

    [Fact]
    public async Task C20_ceiling_after_the_deadline_is_missed_if_any_period_broke_it()
    {
        // The last periods are 0, but autumn 2024 had 3: not "≤ limit at every period of the window".
        var s = await BigClassesAsync("C20", ("2023-03", 0), ("2023-09", 0), ("2024-03", 0), ("2024-09", 3), ("2025-03", 0), ("2025-09", 0));
        var row = s.Row(await s.EvaluateAsync("2026-03-01"), s.City, "CEIL");
        Assert.Equal(Missed, row.Status);
        Assert.Equal(0m, row.Actual);
        Assert.Equal(new DateOnly(2025, 9, 1), row.ActualPeriod);
    }

    [Fact]
    public async Task C21_ceiling_after_the_deadline_is_met_when_every_period_held()
    {
        var s = await BigClassesAsync("C21", ("2022-09", 7), ("2023-03", 0), ("2023-09", 0), ("2024-03", 0), ("2024-09", 0), ("2025-03", 0), ("2025-09", 0));
        // Autumn 2022 runs 2022-09-01 – 2023-02-28 and so overlaps the window that starts 2023-01-01: its 7
        // counts, and the target is missed. The same data from spring 2023 on is met (C21b below).
        var row = s.Row(await s.EvaluateAsync("2026-03-01"), s.City, "CEIL");
        Assert.Equal(Missed, row.Status);

        var clean = await BigClassesAsync("C21b", ("2022-03", 7), ("2023-03", 0), ("2023-09", 0), ("2024-03", 0), ("2024-09", 0), ("2025-03", 0), ("2025-09", 0));
        // Spring 2022 ends 2022-08-31, before the window: it does not count → Met.
        Assert.Equal(Met, clean.Row(await clean.EvaluateAsync("2026-03-01"), clean.City, "CEIL").Status);
    }

    // Public kindergarten coverage stays ≥ 75% from 2021 to 2025, yearly.
    private async Task<Scenario> CoverageAsync(string id, params (string Year, int Percent)[] data)
    {
        var s = new Scenario(fx, id);
        await s.RegionsAsync(("A", ""));
        await s.IndicatorAsync("KG", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Year);
        await s.TargetAsync("MAIN", s.City, "KG", Maintain, Ge, 0.75m, "2021-01-01", "2025-12-31");
        foreach (var (year, pct) in data) await s.RatioAsync(s.Region("A"), "KG", year, pct, 100);
        return s;
    }

    [Fact]
    public async Task C22_maintain_held_is_green()
    {
        var s = await CoverageAsync("C22", ("2021", 76), ("2022", 78), ("2023", 77), ("2024", 79));
        var row = s.Row(await s.EvaluateAsync("2024-06-30"), s.City, "MAIN");
        // a = 0.79 ≥ 0.75 → Green; e = v = 0.75. Line through 0.76, 0.78, 0.77, 0.79 (x = 0, 365, 730, 1,095)
        // read at 2025-12-31 (x = 1,825): 0.803 → no miss.
        Assert.Equal(Green, row.Status);
        Assert.Equal(0.75m, row.Expected);
        Assert.Equal(0.803m, row.Forecast);
        Assert.False(row.WillMiss);
    }

    [Fact]
    public async Task C23_maintain_broken_now_is_red_and_the_trend_will_miss()
    {
        var s = await CoverageAsync("C23", ("2021", 76), ("2022", 78), ("2023", 77), ("2024", 72));
        var row = s.Row(await s.EvaluateAsync("2024-06-30"), s.City, "MAIN");
        // s = 0.75 − 0.72 = 0.03; b = 2021 = 0.76; r = 0.03 / |0.75 − 0.76| = 3 → Red.
        // Line: x̄ = 547.5, ȳ = 0.7575, slope = −23.725 / 666,125 per day; at x = 1,825:
        // 0.7575 − 23.725 × 1,277.5 / 666,125 = 0.7575 − 0.0455 = 0.712 < 0.75 → will miss.
        Assert.Equal(3m, row.RelativeShortfall);
        Assert.Equal(Red, row.Status);
        Assert.Equal(0.712m, row.Forecast);
        Assert.True(row.WillMiss);
    }

    [Fact]
    public async Task C24_maintain_after_the_deadline_is_missed_by_one_bad_year()
    {
        var s = await CoverageAsync("C24", ("2021", 76), ("2022", 78), ("2023", 74), ("2024", 79), ("2025", 80));
        var row = s.Row(await s.EvaluateAsync("2026-02-01"), s.City, "MAIN");
        Assert.Equal(Missed, row.Status);
        Assert.Equal(0.80m, row.Actual);
    }
}
