using Dashboard.ClickHouse.Bulk;

namespace Dashboard.Bench;

/// <summary>One row of observations_raw (sql/0001_observations.sql), in column order.</summary>
internal readonly record struct Observation(
    string RegionCode,
    string IndicatorCode,
    DateOnly Period,
    decimal? Numerator,
    decimal? Denominator,
    decimal? Value,
    uint Revision,
    string SourceId,
    string RunId,
    DateTime UpdatedAt,
    DateTime LoadedAt);

/// <summary>
/// Deterministic, realistic observation rows: every process that generates them from the same seed gets
/// the same rows, so the TSV file for clickhouse-client, the provider's insert and the read-back checksum
/// all describe one data set without passing it between processes.
/// </summary>
internal static class Observations
{
    public const int Seed = 20_190_101;

    public static readonly string[] Columns =
    [
        "region_code", "indicator_code", "period", "numerator", "denominator", "value",
        "revision", "source_id", "run_id", "updated_at", "loaded_at",
    ];

    public const string Table = "observations_raw";

    private enum Kind { Ratio, Count, Amount, Max }

    private static readonly (string Code, Kind Kind)[] Indicators =
    [
        ("attendance_rate", Kind.Ratio), ("enrolment_rate", Kind.Ratio), ("completion_rate", Kind.Ratio),
        ("dropout_rate", Kind.Ratio), ("repetition_rate", Kind.Ratio), ("transition_rate", Kind.Ratio),
        ("qualified_teacher_share", Kind.Ratio), ("girls_share", Kind.Ratio), ("textbook_coverage", Kind.Ratio),
        ("exam_pass_rate", Kind.Ratio), ("immunisation_coverage", Kind.Ratio), ("water_access_share", Kind.Ratio),
        ("electricity_access_share", Kind.Ratio), ("internet_access_share", Kind.Ratio),
        ("students_enrolled", Kind.Count), ("teachers_employed", Kind.Count), ("classrooms", Kind.Count),
        ("schools_open", Kind.Count), ("new_entrants", Kind.Count), ("graduates", Kind.Count),
        ("meals_served", Kind.Count), ("incidents_reported", Kind.Count),
        ("budget_allocated", Kind.Amount), ("budget_spent", Kind.Amount), ("salary_cost", Kind.Amount),
        ("maintenance_cost", Kind.Amount), ("grants_received", Kind.Amount),
        ("max_class_size", Kind.Max), ("max_daily_absence", Kind.Max), ("peak_enrolment", Kind.Max),
    ];

    private static readonly string[] Sources =
    [
        "emis-north", "emis-south", "emis-east", "emis-west", "hmis-central", "finance-ledger", "school-census", "survey-annual",
    ];

    private static readonly DateOnly FirstPeriod = new(2019, 1, 1);
    private const int Months = 96; // 2019-01 .. 2026-12
    private const int MaxRevision = 3;
    private const int SchoolsPerDistrict = 9;

    /// <summary>Writes one row in column order, without boxing: the provider's typed bulk path.</summary>
    public static void Map(Observation o, ClickHouseRowWriter w) =>
        w.String(o.RegionCode)
            .String(o.IndicatorCode)
            .Date(o.Period)
            .Decimal(o.Numerator)
            .Decimal(o.Denominator)
            .Decimal(o.Value)
            .UInt64(o.Revision)
            .String(o.SourceId)
            .String(o.RunId)
            .DateTime(o.UpdatedAt)
            .DateTime(o.LoadedAt);

    /// <summary>
    /// Rows sweep regions x indicators x months, skipping about one key in eight (districts do not report
    /// everything), so keys are unique and the table's sort order is total.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394", Justification = "Benchmark data must be reproducible from a seed, not unpredictable.")]
    public static Observation[] Generate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var rng = new Random(Seed);
        var rows = new Observation[count];

        // Run ids repeat across rows, as one pull run loads a whole month's revision: share the strings.
        var runs = new string[Months * MaxRevision];
        var bytes = new byte[16];
        for (var i = 0; i < runs.Length; i++)
        {
            rng.NextBytes(bytes);
            runs[i] = Convert.ToHexStringLower(bytes);
        }

        var districts = new HashSet<int>();
        var n = 0;
        var district = 0;
        var districtIndex = -1;
        for (var r = 0; n < count; r++)
        {
            var school = r % (SchoolsPerDistrict + 1);
            if (school == 0)
            {
                do district = rng.Next(100_000, 1_000_000); while (!districts.Add(district));
                districtIndex++;
            }
            // 6-digit district codes; their schools extend them to 9 digits.
            var region = school == 0
                ? district.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)
                : (district * 1000L + school * 100 + rng.Next(1, 100)).ToString("D9", System.Globalization.CultureInfo.InvariantCulture);

            for (var i = 0; i < Indicators.Length && n < count; i++)
            {
                var (code, kind) = Indicators[i];
                var source = Sources[(districtIndex + (int)kind) % Sources.Length];
                for (var m = 0; m < Months && n < count; m++)
                {
                    if (rng.Next(8) == 0) continue;
                    var period = FirstPeriod.AddMonths(m);
                    var x = rng.Next(100);
                    var revision = x < 88 ? 1u : x < 98 ? 2u : 3u;

                    decimal? numerator = null, denominator = null, value = null;
                    var missing = rng.Next(100);
                    switch (kind)
                    {
                        case Kind.Ratio:
                            var den = rng.Next(20, 5000);
                            if (missing >= 1) denominator = den;
                            if (missing >= 4)
                                numerator = rng.Next(5) == 0 ? Scaled(rng.NextInt64(0, den * 10_000L), 4) : rng.Next(0, den);
                            break;
                        case Kind.Count:
                            if (missing >= 2) value = rng.Next(0, 20_000);
                            break;
                        case Kind.Amount:
                            if (missing >= 2) value = Scaled(rng.NextInt64(10_000, 5_000_000_000), 2);
                            break;
                        case Kind.Max:
                            if (missing >= 2) value = Scaled(rng.NextInt64(0, 10_000_000), 4);
                            break;
                    }

                    // Loaded within the month after the period; later revisions arrive weeks after that.
                    var loaded = period.AddMonths(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)
                        .AddDays(rng.Next(2, 28) + (revision - 1) * rng.Next(20, 90))
                        .AddSeconds(rng.Next(0, 86_400));
                    var updated = loaded.AddSeconds(-rng.Next(600, 5 * 86_400));
                    rows[n++] = new Observation(region, code, period, numerator, denominator, value, revision, source,
                        runs[m * MaxRevision + (int)revision - 1], updated, loaded);
                }
            }
        }
        return rows;
    }

    private static decimal Scaled(long units, byte scale) =>
        new((int)(units & 0xFFFF_FFFF), (int)(units >> 32), 0, false, scale);
}
