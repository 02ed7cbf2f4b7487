using System.Globalization;
using Dashboard.Data.Catalogue;

namespace DataGenerator;

/// <summary>What to generate.</summary>
/// <param name="Provinces">Synthetic provinces (codes 970000, 960000, … 900000).</param>
/// <param name="SchoolsPerProvince">Schools per province; towns, counties and cities scale with it (13,300 schools: 1,300 towns, 100 counties, 13 cities).</param>
/// <param name="Seed">Every number follows from it.</param>
/// <param name="Until">The last monthly period (first day of its month); periods start 2019-01.</param>
public sealed record GeneratorOptions(int Provinces, int SchoolsPerProvince, long Seed, DateOnly Until)
{
    public static readonly DateOnly First = new(2019, 1, 1);

    /// <summary>Monthly periods from 2019-01 to <see cref="Until"/>.</summary>
    public int Months => (Until.Year - First.Year) * 12 + Until.Month - First.Month + 1;
}

/// <summary>One synthetic region row.</summary>
internal sealed record RegionRow(string Code, string Name, string Level, string ParentCode, string Kind);

/// <summary>A school, the only level observations are written for.</summary>
internal sealed record School(int Index, string Code, int County, int City, int Province, double Weight);

/// <summary>A county with its profile and the total weight of its schools (counts are split by weight).</summary>
internal sealed record County(int Index, string Code, int City, int Province, bool Lagging, double Weight);

/// <summary>
/// The synthetic catalogue: hierarchy, indicators and targets, all pure functions of the options. Codes follow
/// docs/regions.md's scheme under provinces 97…90 (prefixes GB/T 2260 never allocates, and none of the seeded
/// 32/33/999 codes): cities PPCC00, counties PPCCDD, towns county + 1xx (the town range), schools town + 3 digits.
/// </summary>
internal sealed class Dataset
{
    public const int RatioIndicators = 30;
    public const int CountIndicators = 10;
    public const string Provenance = "synthetic: tools/DataGenerator (province-scale benchmark data), not a real region";

    public GeneratorOptions Options { get; }
    public IReadOnlyList<RegionRow> Regions { get; }
    public IReadOnlyList<School> Schools { get; }
    public IReadOnlyList<County> Counties { get; }
    public IReadOnlyList<string> CityCodes { get; }
    public IReadOnlyList<string> ProvinceCodes { get; }
    public IReadOnlyList<Indicator> Indicators { get; }
    public IReadOnlyList<Target> Targets { get; }
    /// <summary>Schools of each province, as a contiguous index range into <see cref="Schools"/>.</summary>
    public IReadOnlyList<(int Start, int Count)> ProvinceSchools { get; }
    /// <summary>Total school weight per city and province (for a county's share of a target set above it).</summary>
    public double[] CityWeight { get; }
    public double[] ProvinceWeight { get; }

    public Dataset(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Provinces is < 1 or > 8) throw new ArgumentException("--provinces must be 1..8 (codes 970000 down to 900000).");
        if (options.SchoolsPerProvince < 1) throw new ArgumentException("--schools-per-province must be at least 1.");
        if (options.Months < 1) throw new ArgumentException("--until must be 2019-01 or later.");
        Options = options;
        var seed = (ulong)options.Seed;
        var regions = new List<RegionRow>();
        var schools = new List<School>();
        var counties = new List<County>();
        var cityCodes = new List<string>();
        var provinceCodes = new List<string>();
        var provinceSchools = new List<(int, int)>();
        var s = options.SchoolsPerProvince;
        var towns = Math.Max(1, (int)Math.Round(s / 10.23, MidpointRounding.AwayFromZero));
        var countyCount = Math.Max(1, (int)Math.Round(towns / 13.0, MidpointRounding.AwayFromZero));
        var cityCount = Math.Max(1, (int)Math.Round(countyCount / (100 / 13.0), MidpointRounding.AwayFromZero));
        if (towns > countyCount * 899 || countyCount > cityCount * 99 || s > towns * 999) throw new ArgumentException("Too many schools for the code scheme.");
        for (var p = 0; p < options.Provinces; p++)
        {
            var pp = (97 - p).ToString(CultureInfo.InvariantCulture);
            var province = pp + "0000";
            provinceCodes.Add(province);
            regions.Add(new RegionRow(province, $"合成省{pp}（基准）", "Province", "", "省"));
            var firstSchool = schools.Count;
            var townIndex = 0;
            for (var c = 0; c < countyCount; c++)
            {
                var city = c % cityCount; // counties dealt round the cities: 7 or 8 each at full scale
                var cityCode = pp + (city + 1).ToString("D2", CultureInfo.InvariantCulture) + "00";
                if (c < cityCount)
                {
                    cityCodes.Add(cityCode);
                    regions.Add(new RegionRow(cityCode, $"合成市{cityCode[..4]}", "City", province, "地级市"));
                }
                var cityIndex = p * cityCount + city;
                var countyCode = cityCode[..4] + (c / cityCount + 1).ToString("D2", CultureInfo.InvariantCulture);
                regions.Add(new RegionRow(countyCode, $"合成县{countyCode}", "County", cityCode, "县"));
                var countyIndex = counties.Count;
                var lagging = Mix.Unit(Mix.Hash(seed, 11, (ulong)countyIndex)) < 0.2; // about a fifth, as the simulator's profiles
                var countyWeight = 0.0;
                var townsHere = Share(towns, countyCount, c);
                for (var t = 0; t < townsHere; t++, townIndex++)
                {
                    var townCode = countyCode + (101 + t).ToString(CultureInfo.InvariantCulture);
                    regions.Add(new RegionRow(townCode, $"合成镇{townCode}", "Town", countyCode, "镇"));
                    var schoolsHere = Share(s, towns, townIndex);
                    for (var k = 0; k < schoolsHere; k++)
                    {
                        var code = townCode + (k + 1).ToString("D3", CultureInfo.InvariantCulture);
                        var weight = Mix.Between(0.5, 1.5, Mix.Hash(seed, 12, (ulong)schools.Count));
                        countyWeight += weight;
                        regions.Add(new RegionRow(code, $"合成学校{code}", "School", townCode, "学校"));
                        schools.Add(new School(schools.Count, code, countyIndex, cityIndex, p, weight));
                    }
                }
                counties.Add(new County(countyIndex, countyCode, cityIndex, p, lagging, countyWeight));
            }
            provinceSchools.Add((firstSchool, schools.Count - firstSchool));
        }
        Regions = regions;
        Schools = schools;
        Counties = counties;
        CityCodes = cityCodes;
        ProvinceCodes = provinceCodes;
        ProvinceSchools = provinceSchools;
        CityWeight = new double[cityCodes.Count];
        ProvinceWeight = new double[provinceCodes.Count];
        foreach (var county in counties)
        {
            CityWeight[county.City] += county.Weight;
            ProvinceWeight[county.Province] += county.Weight;
        }
        Indicators = MakeIndicators();
        Targets = MakeTargets();
    }

    // Item i of n split into parts: the first (total % parts) parts get one more.
    private static int Share(int total, int parts, int i) => total / parts + (i < total % parts ? 1 : 0);

    /// <summary>Ratios GEN_R26..R30 and count GEN_C01 are lower-is-better (drop-out-like rates, oversized classes).</summary>
    private static List<Indicator> MakeIndicators()
    {
        var list = new List<Indicator>();
        for (var i = 1; i <= RatioIndicators; i++)
        {
            var n = i.ToString("D2", CultureInfo.InvariantCulture);
            list.Add(new Indicator($"GEN_R{n}", $"合成比率指标{n}（基准测试用，非真实数据）", $"Synthetic ratio {n} (benchmark data, not real)", "%",
                IndicatorKind.Ratio, i > 25 ? Direction.LowerIsBetter : Direction.HigherIsBetter, Periodicity.Month,
                "合成分子：由 tools/DataGenerator 按种子生成", "合成分母：由 tools/DataGenerator 按种子生成",
                "合成指标，仅用于省级规模基准测试（tools/DataGenerator），不代表任何真实统计。Synthetic indicator for province-scale benchmarks only."));
        }
        for (var i = 1; i <= CountIndicators; i++)
        {
            var n = i.ToString("D2", CultureInfo.InvariantCulture);
            list.Add(new Indicator($"GEN_C{n}", $"合成计数指标{n}（基准测试用，非真实数据）", $"Synthetic count {n} (benchmark data, not real)", "个",
                IndicatorKind.Count, i == 1 ? Direction.LowerIsBetter : Direction.HigherIsBetter, Periodicity.Month, "", "",
                "合成指标，仅用于省级规模基准测试（tools/DataGenerator），不代表任何真实统计。Synthetic indicator for province-scale benchmarks only."));
        }
        return list;
    }

    /// <summary>
    /// A few targets of every kind: per province level targets on R01–R04 and R26, maintain on R05, a ceiling on
    /// C01 and a cumulative on C02; per city a level target on R06, a change from baseline on R07 and a cumulative
    /// on C03. Every indicator is governed by at most one target (the city's, else the province's).
    /// </summary>
    private List<Target> MakeTargets()
    {
        var list = new List<Target>();
        const string doc = "synthetic: tools/DataGenerator";
        Target T(string region, string indicator, TargetKind kind, Comparator cmp, decimal v, DateOnly start, DateOnly deadline, DateOnly? baseline) =>
            new($"GEN-{region}-{indicator[4..]}", 1, region, indicator, kind, cmp, v, start, deadline, baseline, doc,
                $"合成目标（基准测试用）：{indicator} {cmp} {v.ToString(CultureInfo.InvariantCulture)}", ["合成责任单位"]);
        foreach (var p in ProvinceCodes)
        {
            decimal[] levels = [0.90m, 0.85m, 0.95m, 0.80m];
            for (var i = 0; i < levels.Length; i++)
                list.Add(T(p, $"GEN_R0{i + 1}", TargetKind.Level, Comparator.Ge, levels[i], new(2023, 1, 1), new(2025, 12, 31), null));
            list.Add(T(p, "GEN_R05", TargetKind.Maintain, Comparator.Ge, 0.75m, new(2024, 1, 1), new(2026, 12, 31), null));
            list.Add(T(p, "GEN_R26", TargetKind.Level, Comparator.Le, 0.05m, new(2023, 1, 1), new(2025, 12, 31), null));
            list.Add(T(p, "GEN_C01", TargetKind.Ceiling, Comparator.Le, 0m, new(2024, 1, 1), new(2026, 12, 31), null));
            list.Add(T(p, "GEN_C02", TargetKind.Cumulative, Comparator.Ge, 12_800m, new(2025, 1, 1), new(2025, 12, 31), null));
        }
        foreach (var c in CityCodes)
        {
            list.Add(T(c, "GEN_R06", TargetKind.Level, Comparator.Ge, 0.90m, new(2024, 1, 1), new(2026, 6, 30), null));
            list.Add(T(c, "GEN_R07", TargetKind.ChangeFromBaseline, Comparator.Ge, 0.015m, new(2023, 9, 1), new(2025, 9, 30), new(2023, 9, 1)));
            list.Add(T(c, "GEN_C03", TargetKind.Cumulative, Comparator.Ge, 1_000m, new(2025, 1, 1), new(2026, 12, 31), null));
        }
        return list;
    }

    /// <summary>The target an indicator follows in a county: its city's, else its province's, else none.</summary>
    public Target? Governing(County county, int indicator)
    {
        var code = Indicators[indicator].Code;
        var city = CityCodes[county.City];
        var province = ProvinceCodes[county.Province];
        Target? provincial = null;
        foreach (var t in Targets)
        {
            if (t.IndicatorCode != code) continue;
            if (t.RegionCode == city) return t;
            if (t.RegionCode == province) provincial = t;
        }
        return provincial;
    }

    /// <summary>The county's share of the governing target's region (its weight over the region's).</summary>
    public double Scale(County county, Target target) =>
        target.RegionCode.EndsWith("0000", StringComparison.Ordinal)
            ? county.Weight / ProvinceWeight[county.Province]
            : county.Weight / CityWeight[county.City];
}
