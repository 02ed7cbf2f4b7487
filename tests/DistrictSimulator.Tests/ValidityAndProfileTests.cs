using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Periods;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Dashboard.ClickHouse.Ado;
using Microsoft.Extensions.Options;

namespace DistrictSimulator.Tests;

[Collection(SimulatorTests.Name)]
public sealed partial class ValidityAndProfileTests(SimulatorFixture fixture)
{
    private static DateOnly PeriodStart(Periodicity periodicity, string period) => periodicity == Periodicity.Year
        ? new DateOnly(int.Parse(period, CultureInfo.InvariantCulture), 1, 1)
        : DateOnly.ParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<Dictionary<string, Indicator>> IndicatorsAsync() =>
        (await new CatalogueStore(new ClickHouseDatabase(fixture.ConnectionString)).GetIndicatorsAsync(CancellationToken.None))
        .ToDictionary(i => i.Code, StringComparer.Ordinal);

    [Fact]
    public async Task Every_row_is_valid_per_the_contract()
    {
        var indicators = await IndicatorsAsync();
        using var client = Feed.Client(fixture.Simulator);
        var sources = await Feed.SourcesAsync(client);
        Assert.Equal(18, sources.Count);
        var checkedRows = 0;
        foreach (var s in sources)
        {
            using var response = await client.GetAsync(Feed.Url(s.Id, limit: 5000));
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal(s.Id, (await Feed.GetPageAsync(client, Feed.Url(s.Id, limit: 1))).Root.GetProperty("source").GetString());
            foreach (var r in await Feed.PullItemsAsync(client, s.Id, 5000))
            {
                checkedRows++;
                Assert.Contains(r.Region, s.Regions);
                var indicator = indicators[r.Indicator];
                Assert.Contains(r.Indicator, s.Indicators);
                Assert.Matches(indicator.Periodicity switch
                {
                    Periodicity.Year => YearPeriod(),
                    Periodicity.Term => TermPeriod(),
                    _ => MonthPeriod(),
                }, r.Period!);
                Assert.True(PeriodStart(indicator.Periodicity, r.Period!) <= SimulatorFixture.Today, $"{r} is after today");
                Assert.EndsWith("+08:00", r.UpdatedAt, StringComparison.Ordinal);
                Assert.True(DateOnly.FromDateTime(r.UpdatedAtValue.DateTime) <= SimulatorFixture.Today, $"{r} is updated after today");
                Assert.InRange(r.Revision, 1, 2);
                if (indicator.Kind == IndicatorKind.Ratio)
                {
                    Assert.Null(r.Value);
                    var num = long.Parse(r.Numerator!, CultureInfo.InvariantCulture);
                    var den = long.Parse(r.Denominator!, CultureInfo.InvariantCulture);
                    Assert.True(num >= 0 && num <= den && den >= 100, $"{r}");
                }
                else
                {
                    Assert.Null(r.Numerator);
                    Assert.Null(r.Denominator);
                    Assert.True(decimal.Parse(r.Value!, CultureInfo.InvariantCulture) >= 0, $"{r}");
                }
            }
        }
        Assert.True(checkedRows > 900, $"only {checkedRows} rows");
    }

    [Fact]
    public async Task One_source_per_county_with_its_leaf_regions()
    {
        using var client = Feed.Client(fixture.Simulator);
        var sources = await Feed.SourcesAsync(client);
        Assert.Equal(
            ["320583-edu", "320585-edu", "321202-edu", "321203-edu", "321204-edu", "321281-edu", "321282-edu", "321283-edu",
             "331002-edu", "331003-edu", "331004-edu", "331022-edu", "331023-edu", "331024-edu", "331081-edu", "331082-edu", "331083-edu", "999001-edu"],
            sources.Select(s => s.Id));
        var kunshan = sources.Single(s => s.Id == "320583-edu");
        Assert.Equal(12, kunshan.Regions.Count);
        Assert.All(kunshan.Regions, r => Assert.StartsWith("320583", r, StringComparison.Ordinal));
        Assert.DoesNotContain("320583", kunshan.Regions);
        Assert.Equal(["999001"], sources.Single(s => s.Id == "999001-edu").Regions);
        Assert.Equal("/320583-edu", kunshan.BasePath);
        Assert.Contains("NEW_COMPULSORY_PLACES", kunshan.Indicators);
        Assert.Contains("PUBLIC_ABSORPTION", sources.Single(s => s.Id == "331002-edu").Indicators);
        // Money ratios (numerator > denominator by nature) are not served.
        Assert.DoesNotContain(sources, s => s.Indicators.Contains("SPECIAL_ED_FUNDING_PER_PUPIL"));
    }

    [Fact]
    public async Task Exactly_one_silent_and_one_stale_county_and_at_least_one_lagging()
    {
        var indicators = await IndicatorsAsync();
        using var client = Feed.Client(fixture.Simulator);
        var sources = await Feed.SourcesAsync(client);
        Assert.Single(sources, s => s.Profile == "Silent");
        Assert.Single(sources, s => s.Profile == "Stale");
        Assert.Contains(sources, s => s.Profile == "Lagging");
        Assert.True(sources.Count(s => s.Profile == "OnTrack") > sources.Count / 2);

        foreach (var s in sources)
        {
            var rows = await Feed.PullItemsAsync(client, s.Id, 5000);
            if (s.Profile == "Silent")
            {
                Assert.Empty(rows);
                continue;
            }
            Assert.NotEmpty(rows);
            foreach (var g in rows.GroupBy(r => (r.Region, r.Indicator)))
            {
                var periodicity = indicators[g.Key.Indicator].Periodicity;
                var latest = g.Max(r => PeriodCalendar.Index(periodicity, PeriodStart(periodicity, r.Period!)));
                var current = PeriodCalendar.Index(periodicity, SimulatorFixture.Today);
                Assert.True(s.Profile == "Stale" ? latest == current - 6 : latest == current, $"{s.Id} {g.Key}: latest period {latest}, current {current}");
            }
        }
    }

    [Fact]
    public async Task Restatements_exist_with_revision_2_later_and_with_other_numbers()
    {
        using var client = Feed.Client(fixture.Simulator);
        var rows = new List<Item>();
        foreach (var s in await Feed.SourcesAsync(client)) rows.AddRange(await Feed.PullItemsAsync(client, s.Id, 5000));
        var restated = rows.Where(r => r.Revision == 2).ToList();
        var keys = rows.Select(r => r.Key).Distinct().Count();
        Assert.InRange(restated.Count, 1 + keys / 200, keys / 20);
        foreach (var r2 in restated)
        {
            var r1 = Assert.Single(rows, r => r.Key == r2.Key && r.Revision == 1);
            Assert.True(r2.UpdatedAtValue >= r1.UpdatedAtValue.AddDays(13), $"{r2} vs {r1}");
            Assert.NotEqual((r1.Numerator, r1.Denominator, r1.Value), (r2.Numerator, r2.Denominator, r2.Value));
        }
    }

    [Fact]
    public async Task Loaded_into_ClickHouse_the_profiles_score_as_designed()
    {
        using var admin = Feed.Admin(fixture.Simulator);
        var sources = await Feed.SourcesAsync(admin);
        var database = new ClickHouseDatabase(fixture.ConnectionString);
        await using (var c = await database.OpenAsync(CancellationToken.None))
        {
            var rows = new List<object?[]>();
            var indicators = await IndicatorsAsync();
            foreach (var s in sources)
            {
                var truth = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync(Feed.Url(s.Id, path: "v1/truth"))).RootElement;
                foreach (var r in truth.GetProperty("items").EnumerateArray().Select(Item.Parse))
                {
                    rows.Add([r.Region, r.Indicator, PeriodStart(indicators[r.Indicator].Periodicity, r.Period!),
                        r.Numerator is null ? null : decimal.Parse(r.Numerator, CultureInfo.InvariantCulture),
                        r.Denominator is null ? null : decimal.Parse(r.Denominator, CultureInfo.InvariantCulture),
                        r.Value is null ? null : decimal.Parse(r.Value, CultureInfo.InvariantCulture),
                        (uint)r.Revision, s.Id, "test-run", r.UpdatedAtValue.UtcDateTime, new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc)]);
                }
            }
            await c.CreateBulkWriter("observations",
                ["region_code", "indicator_code", "period", "numerator", "denominator", "value", "revision", "source_id", "run_id", "updated_at", "loaded_at"])
                .WriteAsync(rows, CancellationToken.None);
        }
        // The bulk write bypasses ingestion, which keeps the per-region sums the engine reads: build them.
        await new ObservationRollup(database).RebuildAsync(CancellationToken.None);

        var engine = new ScorecardEngine(database, new CatalogueStore(database), Options.Create(new ScorecardOptions()));
        var scorecard = new List<ScorecardRow>();
        foreach (var root in new[] { "320583", "320585", "331000", "321200", "999001" })
            scorecard.AddRange((await engine.EvaluateAsync(root, SimulatorFixture.Today, CancellationToken.None)).Rows);

        foreach (var s in sources)
        {
            var own = scorecard.Where(r => r.RegionCode == s.CountyCode || s.Regions.Contains(r.RegionCode))
                .Where(r => s.Indicators.Contains(r.IndicatorCode)).ToList();
            Assert.NotEmpty(own);
            var county = own.Where(r => r.RegionCode == s.CountyCode).ToList();
            switch (s.Profile)
            {
                case "OnTrack":
                    Assert.All(own, r => Assert.True(r.Status is ScorecardStatus.Green or ScorecardStatus.Met && !r.Stale,
                        $"{s.Id} {r.RegionCode} {r.TargetId}: {r.Status} actual {r.Actual} expected {r.Expected} stale {r.Stale}"));
                    break;
                case "Lagging":
                    Assert.Contains(county, r => r.IsLagging);
                    break;
                case "Silent":
                    Assert.All(own, r => Assert.Equal(ScorecardStatus.NoData, r.Status));
                    break;
                case "Stale":
                    Assert.Contains(county, r => r.Stale);
                    break;
            }
        }
    }

    [GeneratedRegex(@"^\d{4}$")]
    private static partial Regex YearPeriod();

    [GeneratedRegex(@"^\d{4}-(03|09)$")]
    private static partial Regex TermPeriod();

    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex MonthPeriod();
}
