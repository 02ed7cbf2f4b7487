using Dapper;
using Dashboard.ClickHouse.Ado;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Storage;
using Dashboard.Testing;

namespace Dashboard.Data.Tests.Catalogue;

/// <summary>The shipped catalogue (every migration, seeds included) is checked row by row.</summary>
public sealed class SeededCatalogue : IAsyncLifetime
{
    private TestDatabase? _db;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync("seed", Schema.Full);

    public async Task DisposeAsync() => await _db!.DisposeAsync();

    public async Task<ClickHouseConnection> OpenAsync() => await new ClickHouseDatabase(_db!.ConnectionString).OpenAsync(CancellationToken.None);
}

public sealed class CatalogueTests(SeededCatalogue seeded) : IClassFixture<SeededCatalogue>
{
    private sealed record TargetRow(string Id, uint Version, string RegionCode, string IndicatorCode, string Kind, string Comparator, decimal Value,
        DateTime StartDate, DateTime Deadline, DateTime? BaselinePeriod, string Document, string Clause, string[] ResponsibleUnits);

    private async Task<List<TargetRow>> TargetsAsync()
    {
        await using var c = await seeded.OpenAsync();
        return (await c.QueryAsync<TargetRow>("""
            SELECT id AS Id, version AS Version, region_code AS RegionCode, indicator_code AS IndicatorCode, kind AS Kind, comparator AS Comparator,
                   value AS Value, start_date AS StartDate, deadline AS Deadline, baseline_period AS BaselinePeriod, document AS Document,
                   clause AS Clause, responsible_units AS ResponsibleUnits
            FROM targets
            """)).ToList();
    }

    [Fact]
    public async Task The_catalogue_has_the_expected_breadth()
    {
        await using var c = await seeded.OpenAsync();
        Assert.True(await c.ExecuteScalarAsync<ulong>("SELECT count() FROM indicators FINAL") >= 25, "fewer than 25 indicators");
        Assert.True(await c.ExecuteScalarAsync<ulong>("SELECT uniqExact(id) FROM targets") > 40, "40 targets or fewer");
        // Every one of the five documents contributes targets.
        var documents = (await c.QueryAsync<string>("SELECT DISTINCT document FROM targets")).ToHashSet();
        foreach (var file in new[] { "000_c999923a9026f258.txt", "001_cc58cea3482391e8.txt", "002_ac8e0493196919b5.txt", "003_265b9b9507e627e0.txt", "004_e24e188bf915a01c.txt" })
            Assert.Contains(file, documents);
    }

    [Fact]
    public async Task Every_target_references_an_existing_region_and_indicator()
    {
        await using var c = await seeded.OpenAsync();
        var regions = (await c.QueryAsync<string>("SELECT code FROM regions FINAL")).ToHashSet();
        var indicators = (await c.QueryAsync<string>("SELECT code FROM indicators FINAL")).ToHashSet();
        foreach (var t in await TargetsAsync())
        {
            Assert.True(regions.Contains(t.RegionCode), $"{t.Id}: region {t.RegionCode} does not exist");
            Assert.True(indicators.Contains(t.IndicatorCode), $"{t.Id}: indicator {t.IndicatorCode} does not exist");
        }
    }

    [Fact]
    public async Task Every_target_is_well_formed()
    {
        var folder = FindSeeds();
        Assert.True(folder is not null, "the policy documents (shared/seeds) were not found beside the checkout");
        var seedDocuments = Directory.GetFiles(folder, "*.txt").Select(Path.GetFileName).ToHashSet();
        foreach (var t in await TargetsAsync())
        {
            Assert.True(t.Deadline > t.StartDate, $"{t.Id}: deadline {t.Deadline:yyyy-MM-dd} is not after start {t.StartDate:yyyy-MM-dd}");
            Assert.False(string.IsNullOrWhiteSpace(t.Clause), $"{t.Id}: empty clause");
            Assert.False(string.IsNullOrWhiteSpace(t.Document), $"{t.Id}: empty document");
            Assert.True(Enum.TryParse<TargetKind>(t.Kind, out _), $"{t.Id}: kind {t.Kind}");
            Assert.True(Enum.TryParse<Comparator>(t.Comparator, ignoreCase: true, out _), $"{t.Id}: comparator {t.Comparator}");
            Assert.All(t.ResponsibleUnits, u => Assert.False(string.IsNullOrWhiteSpace(u), $"{t.Id}: blank responsible unit"));
            if (t.Kind == nameof(TargetKind.ChangeFromBaseline)) Assert.True(t.BaselinePeriod is not null, $"{t.Id}: a change from baseline needs its baseline period");
            Assert.True(seedDocuments.Contains(t.Document), $"{t.Id}: {t.Document} is not one of the policy documents");
        }
    }

    [Fact]
    public async Task Each_clause_is_quoted_verbatim_from_its_document()
    {
        // The shared folder holds the documents beside the checkout; the clause must be a substring of
        // its document once line breaks and spaces are ignored.
        var folder = FindSeeds();
        Assert.True(folder is not null, "the policy documents (shared/seeds) were not found beside the checkout");
        foreach (var t in await TargetsAsync())
        {
            var text = Squash(await File.ReadAllTextAsync(Path.Combine(folder, t.Document)));
            Assert.True(text.Contains(Squash(t.Clause), StringComparison.Ordinal), $"{t.Id}: clause is not verbatim from {t.Document}: {t.Clause}");
        }
    }

    [Fact]
    public async Task No_milestone_is_stored_twice()
    {
        var current = (await TargetsAsync()).GroupBy(t => t.Id).Select(g => g.MaxBy(t => t.Version)!).ToList();
        var duplicates = current.GroupBy(t => (t.RegionCode, t.IndicatorCode, t.Kind, t.Deadline)).Where(g => g.Count() > 1).Select(g => string.Join(", ", g.Select(t => t.Id))).ToList();
        Assert.True(duplicates.Count == 0, "same milestone twice: " + string.Join("; ", duplicates));
        Assert.Equal(current.Count, current.Select(t => t.Id).Distinct().Count());
    }

    [Fact]
    public async Task Comparators_point_the_way_their_indicator_improves()
    {
        await using var c = await seeded.OpenAsync();
        var directions = (await c.QueryAsync<(string Code, string Direction)>("SELECT code, direction FROM indicators FINAL")).ToDictionary(x => x.Code, x => x.Direction);
        foreach (var t in await TargetsAsync())
        {
            var up = t.Comparator is "ge" or "gt";
            Assert.True(up == (directions[t.IndicatorCode] == nameof(Direction.HigherIsBetter)),
                $"{t.Id}: comparator {t.Comparator} against a {directions[t.IndicatorCode]} indicator");
        }
    }

    [Fact]
    public async Task Indicators_and_regions_are_well_formed()
    {
        await using var c = await seeded.OpenAsync();
        var indicators = await c.QueryAsync<(string Code, string Name, string NameEn, string Unit, string Kind, string Direction, string Periodicity, string Num, string Den, string Definition)>(
            "SELECT code, name, name_en, unit, kind, direction, periodicity, numerator_definition, denominator_definition, definition FROM indicators FINAL");
        foreach (var i in indicators)
        {
            Assert.Matches("^[A-Z][A-Z0-9_]+$", i.Code);
            Assert.True(Enum.TryParse<IndicatorKind>(i.Kind, out var kind), $"{i.Code}: kind {i.Kind}");
            Assert.True(Enum.TryParse<Direction>(i.Direction, out _), $"{i.Code}: direction {i.Direction}");
            Assert.True(Enum.TryParse<Periodicity>(i.Periodicity, out _), $"{i.Code}: periodicity {i.Periodicity}");
            Assert.False(string.IsNullOrWhiteSpace(i.Name) || string.IsNullOrWhiteSpace(i.NameEn) || string.IsNullOrWhiteSpace(i.Definition), $"{i.Code}: names and definition required");
            if (kind == IndicatorKind.Ratio) Assert.False(string.IsNullOrWhiteSpace(i.Num) || string.IsNullOrWhiteSpace(i.Den), $"{i.Code}: a ratio defines numerator and denominator");
        }

        var regions = (await c.QueryAsync<(string Code, string Name, string Level, string Parent)>("SELECT code, name, level, parent_code FROM regions FINAL")).ToList();
        var codes = regions.Select(r => r.Code).ToHashSet();
        foreach (var r in regions)
        {
            Assert.Contains(r.Level, new[] { "Province", "City", "County", "Town", "School" });
            Assert.True(r.Parent.Length == 0 || codes.Contains(r.Parent), $"{r.Code}: parent {r.Parent} does not exist");
            Assert.Matches(r.Level is "Town" or "School" ? "^[0-9]{9,12}$" : "^[0-9]{6}$", r.Code);
        }
        // The five issuers are there, each under its province and city.
        foreach (var (code, city) in new[] { ("320583", "320500"), ("320585", "320500"), ("331000", "330000"), ("321200", "320000") })
            Assert.Contains(regions, r => r.Code == code && r.Parent == city);
        Assert.Equal(9, regions.Count(r => r.Parent == "331000"));
        Assert.True(regions.Count(r => r.Parent == "321200") >= 6);
    }

    private static string? FindSeeds()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "seeds");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string Squash(string s) => new(s.Where(ch => !char.IsWhiteSpace(ch)).ToArray());
}
