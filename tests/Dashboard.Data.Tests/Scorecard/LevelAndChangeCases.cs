using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using static Dashboard.Data.Catalogue.Comparator;
using static Dashboard.Data.Catalogue.TargetKind;
using static Dashboard.Data.Scorecard.ScorecardStatus;

namespace Dashboard.Data.Tests.Scorecard;

/// <summary>
/// Hand-worked cases for Level and ChangeFromBaseline targets. Shared arithmetic of the Level cases
/// (target ≥ 0.90 by 2023-12-31, start 2023-01-01, baseline January 2023 = 0.80, as of 2023-07-01):
///   T − S = 31+28+31+30+31+30 = 181 days; D − S = 364 days; share = 181/364 = 0.497253
///   e = 0.80 + (0.90 − 0.80) × 181/364 = 0.849725;  r = (e − a) / |0.90 − 0.80|
/// </summary>
[Collection(DataTests.Name)]
public sealed class LevelAndChangeCases(DataFixture fx)
{
    private async Task<Scenario> LevelCityAsync(string id, params (string County, decimal June)[] counties)
    {
        var s = new Scenario(fx, id);
        await s.RegionsAsync(counties.Select(c => (c.County, "")).ToArray());
        await s.IndicatorAsync("R", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Month);
        await s.TargetAsync("L", s.City, "R", Level, Ge, 0.90m, "2023-01-01", "2023-12-31", "2023-01-01");
        foreach (var (county, june) in counties)
        {
            await s.RatioAsync(s.Region(county), "R", "2023-01", 80, 100);
            await s.RatioAsync(s.Region(county), "R", "2023-06", june * 100, 100);
        }
        return s;
    }

    [Fact]
    public async Task C01_level_on_track_is_green_and_two_points_forecast_the_actual()
    {
        var s = await LevelCityAsync("C01", ("A", 0.86m));
        var row = s.Row(await s.EvaluateAsync("2023-07-01"), s.City, "L");
        // a = 86/100 = 0.86 ≥ e = 0.849725 → s = −0.010275 ≤ 0 → Green. r = −0.010275 / 0.10 = −0.102747.
        Assert.Equal(Green, row.Status);
        Assert.Equal(0.86m, row.Actual);
        Assert.Equal(new DateOnly(2023, 6, 1), row.ActualPeriod);
        Assert.Equal(0.849725m, row.Expected);
        Assert.Equal(0.80m, row.Baseline);
        Assert.Equal(-0.102747m, row.RelativeShortfall);
        // Only two periods with data (fewer than three): forecast = a = 0.86 < 0.90 → will miss.
        Assert.Equal(0.86m, row.Forecast);
        Assert.True(row.WillMiss);
        // Latest data June, T in July: 1 period apart ≤ 2 → not stale.
        Assert.False(row.Stale);
        Assert.False(row.Inherited);
    }

    [Theory]
    // a = 0.84: s = 0.849725 − 0.84 = 0.009725, r = 0.097253 ≤ 0.10 → AmberGreen
    [InlineData("C02", 0.84, 0.097253, AmberGreen)]
    // a = 0.83: s = 0.019725, r = 0.197253 ≤ 0.25 → AmberRed
    [InlineData("C03", 0.83, 0.197253, AmberRed)]
    // a = 0.82: s = 0.029725, r = 0.297253 > 0.25 → Red
    [InlineData("C04", 0.82, 0.297253, Red)]
    public async Task Level_behind_by_relative_shortfall(string id, double june, double r, ScorecardStatus status)
    {
        var s = await LevelCityAsync(id, ("A", (decimal)june));
        var row = s.Row(await s.EvaluateAsync("2023-07-01"), s.City, "L");
        Assert.Equal(status, row.Status);
        Assert.Equal((decimal)r, row.RelativeShortfall);
        Assert.True(row.IsLagging == status is AmberRed or Red);
    }

    [Fact]
    public async Task C05_ratio_rolls_up_as_ratio_of_sums_and_sub_regions_inherit_the_city_target()
    {
        var s = new Scenario(fx, "C05");
        await s.RegionsAsync(("A", ""), ("B", ""));
        await s.IndicatorAsync("R", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Month);
        await s.TargetAsync("L", s.City, "R", Level, Ge, 0.90m, "2023-01-01", "2023-12-31", "2023-01-01");
        await s.RatioAsync(s.Region("A"), "R", "2023-01", 40, 50);
        await s.RatioAsync(s.Region("B"), "R", "2023-01", 40, 50);
        await s.RatioAsync(s.Region("A"), "R", "2023-06", 50, 60);
        await s.RatioAsync(s.Region("B"), "R", "2023-06", 33, 40);
        var card = await s.EvaluateAsync("2023-07-01");

        // City: (50 + 33) / (60 + 40) = 0.83 (a mean of ratios would give 0.829167). Baseline (40+40)/(50+50) = 0.80.
        var city = s.Row(card, s.City, "L");
        Assert.Equal(0.83m, city.Actual);
        Assert.Equal(0.80m, city.Baseline);
        Assert.Equal(0.197253m, city.RelativeShortfall);
        Assert.Equal(AmberRed, city.Status);

        // A: a = 50/60 = 0.833333, s = 0.016392, r = 0.163919 → AmberRed, inherited from the city.
        var a = s.Row(card, s.Region("A"), "L");
        Assert.Equal(0.833333m, a.Actual);
        Assert.Equal(0.163919m, a.RelativeShortfall);
        Assert.Equal(AmberRed, a.Status);
        Assert.True(a.Inherited);
        Assert.Equal(s.City, a.TargetRegionCode);

        // B: a = 33/40 = 0.825, s = 0.024725, r = 0.247253 ≤ 0.25 → AmberRed.
        var b = s.Row(card, s.Region("B"), "L");
        Assert.Equal(0.825m, b.Actual);
        Assert.Equal(0.247253m, b.RelativeShortfall);
        Assert.Equal(AmberRed, b.Status);
    }

    [Fact]
    public async Task C06_lower_is_better_level_behind_and_on_track()
    {
        // Target ≤ 0.02 by 2024-12-31, start 2024-01-01, baseline January 2024 = 0.05, as of 2024-07-01.
        // T − S = 31+29+31+30+31+30 = 182 (leap year); D − S = 365. e = 0.05 + (0.02 − 0.05) × 182/365 = 0.035041.
        var s = new Scenario(fx, "C06");
        await s.RegionsAsync(("A", ""), ("B", ""));
        await s.IndicatorAsync("D", IndicatorKind.Ratio, Direction.LowerIsBetter, Periodicity.Month);
        await s.TargetAsync("L", s.City, "D", Level, Le, 0.02m, "2024-01-01", "2024-12-31", "2024-01-01");
        foreach (var county in new[] { "A", "B" }) await s.RatioAsync(s.Region(county), "D", "2024-01", 5, 100);
        await s.RatioAsync(s.Region("A"), "D", "2024-06", 4, 100);
        await s.RatioAsync(s.Region("B"), "D", "2024-06", 3, 100);
        var card = await s.EvaluateAsync("2024-07-01");

        // A: a = 0.04; s = a − e = 0.004959; r = 0.004959 / |0.02 − 0.05| = 0.165297 → AmberRed.
        var a = s.Row(card, s.Region("A"), "L");
        Assert.Equal(0.035041m, a.Expected);
        Assert.Equal(0.165297m, a.RelativeShortfall);
        Assert.Equal(AmberRed, a.Status);
        // B: a = 0.03 below the expected line: s = −0.005041 → Green; r = −0.168037.
        var b = s.Row(card, s.Region("B"), "L");
        Assert.Equal(-0.168037m, b.RelativeShortfall);
        Assert.Equal(Green, b.Status);
    }

    [Fact]
    public async Task C07_level_after_the_deadline_is_met_or_missed_on_the_last_period_before_it()
    {
        // ≥ 0.90 by 2023-12-31, as of 2024-01-10 (T ≥ D). Judged on December 2023; January 2024 (first day
        // after D) does not count, whatever it says.
        var s = new Scenario(fx, "C07");
        await s.RegionsAsync(("A", ""), ("B", ""));
        await s.IndicatorAsync("R", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Month);
        await s.TargetAsync("L", s.City, "R", Level, Ge, 0.90m, "2023-01-01", "2023-12-31");
        await s.RatioAsync(s.Region("A"), "R", "2023-12", 91, 100);
        await s.RatioAsync(s.Region("A"), "R", "2024-01", 85, 100);
        await s.RatioAsync(s.Region("B"), "R", "2023-12", 88, 100);
        await s.RatioAsync(s.Region("B"), "R", "2024-01", 95, 100);
        var card = await s.EvaluateAsync("2024-01-10");

        var a = s.Row(card, s.Region("A"), "L");
        Assert.Equal(Met, a.Status);
        Assert.Equal(0.91m, a.Actual);
        Assert.Equal(new DateOnly(2023, 12, 1), a.ActualPeriod);
        var b = s.Row(card, s.Region("B"), "L");
        Assert.Equal(Missed, b.Status);
        Assert.Equal(0.88m, b.Actual);
        Assert.Equal(0.90m, b.Expected);
        Assert.False(b.WillMiss);
    }

    [Fact]
    public async Task C08_change_from_baseline_on_track_with_a_fitted_forecast()
    {
        // +1.5 pp over autumn 2023 by 2025-12-31, start 2025-01-01; termly data. As of 2025-07-01.
        // b = autumn 2023 = 700/1000 = 0.70 → v = 0.715. share = 181/364. e = 0.70 + 0.015 × 181/364 = 0.707459.
        // a = spring 2025 (first day 2025-03-01 ≤ T) = 0.712 → s = −0.004541 → Green; r = s / 0.015 = −0.302747.
        var s = new Scenario(fx, "C08");
        await s.RegionsAsync(("A", ""));
        await s.IndicatorAsync("P", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Term);
        await s.TargetAsync("CFB", s.City, "P", ChangeFromBaseline, Ge, 0.015m, "2025-01-01", "2025-12-31", "2023-09-01");
        await s.RatioAsync(s.Region("A"), "P", "2023-09", 700, 1000);
        await s.RatioAsync(s.Region("A"), "P", "2024-09", 705, 1000);
        await s.RatioAsync(s.Region("A"), "P", "2025-03", 712, 1000);
        var row = s.Row(await s.EvaluateAsync("2025-07-01"), s.City, "CFB");
        Assert.Equal(0.70m, row.Baseline);
        Assert.False(row.BaselineFallback);
        Assert.Equal(0.715m, row.TargetValue);
        Assert.Equal(0.707459m, row.Expected);
        Assert.Equal(0.712m, row.Actual);
        Assert.Equal(-0.302747m, row.RelativeShortfall);
        Assert.Equal(Green, row.Status);
        // Three points: x = days from 2023-09-01: 0, 366, 547; y = 0.70, 0.705, 0.712; least squares read at
        // 2025-12-31 (x = 852): 0.717023 ≥ 0.715 → will not miss. Spring 2025 contains T → not stale.
        Assert.Equal(0.717023m, row.Forecast);
        Assert.False(row.WillMiss);
        Assert.False(row.Stale);
    }

    [Fact]
    public async Task C09_baseline_fallback_takes_the_earliest_period_ending_on_or_after_the_start()
    {
        // Baseline period autumn 2023 has no data. Fallback: the earliest period with data that ends on or
        // after S = 2025-01-01. Spring 2024 ends 2024-08-31 (before S): skipped. Autumn 2024 runs
        // 2024-09-01 – 2025-02-28, overlapping S: b = 0.705, v = 0.72.
        // e = 0.705 + 0.015 × 181/364 = 0.712459; a = 0.712 → s = 0.000459, r = 0.030586 → AmberGreen.
        var s = new Scenario(fx, "C09");
        await s.RegionsAsync(("A", ""));
        await s.IndicatorAsync("P", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Term);
        await s.TargetAsync("CFB", s.City, "P", ChangeFromBaseline, Ge, 0.015m, "2025-01-01", "2025-12-31", "2023-09-01");
        await s.RatioAsync(s.Region("A"), "P", "2024-03", 690, 1000);
        await s.RatioAsync(s.Region("A"), "P", "2024-09", 705, 1000);
        await s.RatioAsync(s.Region("A"), "P", "2025-03", 712, 1000);
        var row = s.Row(await s.EvaluateAsync("2025-07-01"), s.City, "CFB");
        Assert.Equal(0.705m, row.Baseline);
        Assert.True(row.BaselineFallback);
        Assert.Equal(0.72m, row.TargetValue);
        Assert.Equal(0.712459m, row.Expected);
        Assert.Equal(0.030586m, row.RelativeShortfall);
        Assert.Equal(AmberGreen, row.Status);
        // Points spring 2024, autumn 2024, spring 2025 (x = 0, 184, 365): forecast at 2025-12-31 = 0.731715.
        Assert.Equal(0.731715m, row.Forecast);
    }

    [Fact]
    public async Task C10_change_from_baseline_without_any_data_is_no_data_not_red()
    {
        var s = new Scenario(fx, "C10");
        await s.RegionsAsync(("A", ""));
        await s.IndicatorAsync("P", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Term);
        await s.TargetAsync("CFB", s.City, "P", ChangeFromBaseline, Ge, 0.015m, "2025-01-01", "2025-12-31", "2023-09-01");
        var card = await s.EvaluateAsync("2025-07-01");
        var row = s.Row(card, s.City, "CFB");
        Assert.Equal(NoData, row.Status);
        Assert.Null(row.Actual);
        Assert.Null(row.TargetValue);
        Assert.False(row.IsLagging);
        Assert.Empty(card.Lagging);
    }

    [Fact]
    public async Task C11_level_with_three_yearly_points_forecasts_along_the_line()
    {
        // ≥ 0.95 by 2025-12-31 from 2021-01-01, yearly 0.60, 0.70, 0.80 (x = 0, 365, 730 days): slope 0.1 per
        // 365 days; at 2025-12-31 (x = 1825) the line reads 0.60 + 0.1 × 1825/365 = 1.10 ≥ 0.95 → will not miss.
        var s = new Scenario(fx, "C11");
        await s.RegionsAsync(("A", ""));
        await s.IndicatorAsync("Y", IndicatorKind.Ratio, Direction.HigherIsBetter, Periodicity.Year);
        await s.TargetAsync("L", s.City, "Y", Level, Ge, 0.95m, "2021-01-01", "2025-12-31");
        await s.RatioAsync(s.Region("A"), "Y", "2021", 60, 100);
        await s.RatioAsync(s.Region("A"), "Y", "2022", 70, 100);
        await s.RatioAsync(s.Region("A"), "Y", "2023", 80, 100);
        var row = s.Row(await s.EvaluateAsync("2023-06-30"), s.City, "L");
        Assert.Equal(1.10m, row.Forecast);
        Assert.False(row.WillMiss);
        // No baseline period: b falls back to 2021 (ends 2021-12-31 ≥ S) = 0.60.
        // share = (2023-06-30 − 2021-01-01) / (2025-12-31 − 2021-01-01) = 910 / 1825;
        // e = 0.60 + 0.35 × 910/1825 = 0.774521; a = 0.80 ≥ e → Green.
        Assert.Equal(0.60m, row.Baseline);
        Assert.Equal(0.774521m, row.Expected);
        Assert.Equal(Green, row.Status);
    }

    [Fact]
    public async Task C12_a_period_whose_first_day_is_the_as_of_date_counts()
    {
        var s = await LevelCityAsync("C12", ("A", 0.82m));
        await s.RatioAsync(s.Region("A"), "R", "2023-07", 88, 100);
        // July's first day 2023-07-01 = T: it is "≤ T", so a = 0.88 (not June's 0.82) → Green.
        var row = s.Row(await s.EvaluateAsync("2023-07-01"), s.City, "L");
        Assert.Equal(0.88m, row.Actual);
        Assert.Equal(new DateOnly(2023, 7, 1), row.ActualPeriod);
        Assert.Equal(Green, row.Status);
        // …and one day earlier it is not: a = June's 0.82.
        var before = s.Row(await s.EvaluateAsync("2023-06-30"), s.City, "L");
        Assert.Equal(0.82m, before.Actual);
    }
}
