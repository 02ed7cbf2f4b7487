using System.Globalization;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;

namespace Dashboard.Reports.Snapshot;

/// <summary>What a snapshot is built from, gathered by <see cref="ReportService"/>.</summary>
/// <param name="Id">The report id.</param>
/// <param name="City">The city.</param>
/// <param name="Year">The year of the bulletin number.</param>
/// <param name="Number">The sequence number within the year.</param>
/// <param name="GeneratedAt">Generation time (UTC, whole seconds).</param>
/// <param name="GeneratedBy">Who or what generated it.</param>
/// <param name="Scorecard">The scorecard as of the report's date.</param>
/// <param name="Indicators">The indicator catalogue.</param>
/// <param name="Targets">The targets of the city's tree.</param>
/// <param name="Previous">The city's previous report, if any.</param>
/// <param name="PreviousRecomputed">The scorecard as of the previous report's date, computed on today's data (null without a previous report).</param>
public sealed record SnapshotInput(
    string Id, Region City, int Year, int Number, DateTime GeneratedAt, string GeneratedBy, Scorecard Scorecard,
    IReadOnlyList<Indicator> Indicators, IReadOnlyList<Target> Targets, ReportSnapshot? Previous, Scorecard? PreviousRecomputed);

/// <summary>Turns a scorecard into a frozen snapshot: a pure function of its input.</summary>
public static class SnapshotBuilder
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>Builds and seals the snapshot.</summary>
    public static ReportSnapshot Build(SnapshotInput input, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var indicators = input.Indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
        var targets = input.Targets.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var previous = input.Previous?.Rows.ToDictionary(r => (r.RegionCode, r.TargetId));
        var recomputed = input.PreviousRecomputed?.Rows.ToDictionary(r => (r.RegionCode, r.TargetId));

        var rows = new List<ReportRow>(input.Scorecard.Rows.Count);
        var indexOf = new Dictionary<ScorecardRow, int>(ReferenceEqualityComparer.Instance);
        foreach (var r in input.Scorecard.Rows)
        {
            var indicator = indicators.GetValueOrDefault(r.IndicatorCode)
                ?? throw new InvalidDataException($"Scorecard row {r.RegionCode}/{r.TargetId} measures unknown indicator {r.IndicatorCode}.");
            var target = targets.GetValueOrDefault(r.TargetId)
                ?? throw new InvalidDataException($"Scorecard row {r.RegionCode}/{r.TargetId} names a target the catalogue does not hold.");
            indexOf[r] = rows.Count;
            rows.Add(new ReportRow
            {
                RegionCode = r.RegionCode,
                RegionName = r.RegionName,
                TargetId = r.TargetId,
                TargetVersion = r.TargetVersion,
                Inherited = r.Inherited,
                IndicatorCode = r.IndicatorCode,
                IndicatorName = indicator.Name,
                Unit = indicator.Unit,
                IndicatorKind = indicator.Kind,
                Comparator = target.Comparator,
                Deadline = r.Deadline,
                Document = target.Document,
                Clause = target.Clause,
                ResponsibleUnits = target.ResponsibleUnits,
                Actual = r.Actual,
                ActualPeriod = r.ActualPeriod,
                Expected = r.Expected,
                TargetValue = r.TargetValue,
                Forecast = r.Forecast,
                RelativeShortfall = r.RelativeShortfall,
                Status = r.Status,
                OverrideStatus = r.Override?.Status,
                OverrideReason = r.Override?.Reason,
                Stale = r.Stale,
                WillMiss = r.WillMiss,
                LatestPeriod = r.LatestPeriod,
                LoadedAt = r.LoadedAt,
                Change = previous is null ? null : Change(r, previous, recomputed),
            });
        }

        var reportDate = DateOnly.FromDateTime(input.GeneratedAt + ChinaStandardTime);
        return new ReportSnapshot
        {
            Id = input.Id,
            CityCode = input.City.Code,
            CityName = input.City.Name,
            AsOf = input.Scorecard.AsOf,
            PeriodLabel = "截至" + Render.ReportText.Date(input.Scorecard.AsOf),
            Year = input.Year,
            Number = input.Number,
            GeneratedAt = input.GeneratedAt,
            ReportDate = reportDate,
            GeneratedBy = input.GeneratedBy,
            IssuingOffice = string.Format(CultureInfo.InvariantCulture, options.IssuingOfficeFormat, input.City.Name),
            DataVersion = rows.Max(r => r.LoadedAt),
            PreviousReportId = input.Previous?.Id,
            PreviousAsOf = input.Previous?.AsOf,
            RectificationDue = reportDate.AddDays(options.RectificationDays),
            Rows = rows,
            Lagging = input.Scorecard.Lagging.Select(r => indexOf[r]).ToList(),
            Freshness = rows
                .GroupBy(r => (r.RegionCode, r.RegionName))
                .OrderBy(g => g.Key.RegionCode, StringComparer.Ordinal)
                .Select(g => new RegionFreshness(g.Key.RegionCode, g.Key.RegionName, g.Max(r => r.LatestPeriod), g.Max(r => r.LoadedAt),
                    g.Count(), g.Count(r => r.Stale), g.Count(r => r.Status == ScorecardStatus.NoData)))
                .ToList(),
        }.Sealed();
    }

    private static RowChange Change(ScorecardRow now, Dictionary<(string, string), ReportRow> previous,
        Dictionary<(string, string), ScorecardRow>? recomputed)
    {
        if (!previous.TryGetValue((now.RegionCode, now.TargetId), out var before)) return new RowChange(true, null, null, null, false, null);
        var delta = now.Actual is { } a && before.Actual is { } b ? a - b : (decimal?)null;
        // Restated: the previous report's figure, recomputed today for its own as-of date, is not what it printed.
        var again = recomputed?.GetValueOrDefault((now.RegionCode, now.TargetId));
        var restated = again is not null && again.Actual != before.Actual;
        return new RowChange(false, before.Status, before.Actual, delta, restated, restated ? again!.Actual : null);
    }
}
