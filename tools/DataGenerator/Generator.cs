using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Dashboard.ClickHouse;
using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Bulk;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;

namespace DataGenerator;

/// <summary>What a run wrote and how long it took.</summary>
internal sealed record GeneratorResult(long Rows, long RawRows, int Regions, double ObservationSeconds, double RollupSeconds, string RollupMethod);

/// <summary>
/// Writes the dataset into a migrated database: catalogue rows first, then the observation slices through
/// <paramref name="streams"/> concurrent INSERTs (each its own connection, each slice one streamed INSERT), then
/// the roll-up table.
/// </summary>
internal sealed class Generator(string connectionString, Dataset data, int streams, Action<string> log)
{
    public async Task<GeneratorResult> RunAsync(CancellationToken ct)
    {
        var database = new ClickHouseDatabase(connectionString);
        await using (var c = await database.OpenAsync(ct))
        {
            var existing = await c.ExecuteScalarAsync<ulong>(new CommandDefinition(
                "SELECT count() FROM regions WHERE code IN @codes", new { codes = data.ProvinceCodes.ToArray() }, cancellationToken: ct));
            // A second run would double observations_raw and targets (plain MergeTree): start from a fresh database instead.
            if (existing > 0) throw new InvalidOperationException("This database already holds the synthetic provinces; generate into a fresh database.");
            await WriteCatalogueAsync(c, ct);
        }
        log($"catalogue: {data.Regions.Count:N0} regions, {data.Indicators.Count} indicators, {data.Targets.Count} targets");

        var source = new ObservationSource(data);
        var queue = new ConcurrentQueue<WorkItem>(source.Items());
        long rows = 0, raw = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Math.Max(1, streams)).Select(async _ =>
        {
            await using var c = new ClickHouseConnection(connectionString);
            await c.OpenAsync(ct);
            while (queue.TryDequeue(out var item))
            {
                var writer = c.CreateBulkWriter(item.Raw ? "observations_raw" : "observations", ObservationSource.Columns);
                var n = await writer.WriteAsync(source.Rows(item), ObservationSource.Map, ct);
                if (item.Raw) Interlocked.Add(ref raw, n);
                else Interlocked.Add(ref rows, n);
                log($"{(item.Raw ? "observations_raw" : "observations")} {data.ProvinceCodes[item.Province]} {(item.Year == 0 ? "all years" : item.Year)}: {n:N0} rows ({Interlocked.Read(ref rows) / clock.Elapsed.TotalSeconds:N0} rows/s so far)");
            }
        }).ToList();
        await Task.WhenAll(workers);
        var observationSeconds = clock.Elapsed.TotalSeconds;
        if (rows != source.CurrentRows) throw new InvalidOperationException($"Wrote {rows} current rows where {source.CurrentRows} were planned.");

        clock.Restart();
        var method = await RebuildRollupAsync(database, ct);
        return new GeneratorResult(rows, raw, data.Regions.Count, observationSeconds, clock.Elapsed.TotalSeconds, method);
    }

    private async Task WriteCatalogueAsync(ClickHouseConnection c, CancellationToken ct)
    {
        var provenance = $"{Dataset.Provenance}; seed {data.Options.Seed}";
        await c.CreateBulkWriter("regions", ["code", "name", "level", "parent_code", "kind", "provenance"]).WriteAsync(data.Regions,
            (r, w) => w.String(r.Code).String(r.Name).String(r.Level).String(r.ParentCode).String(r.Kind).String(provenance), ct);
        await c.CreateBulkWriter("indicators", ["code", "name", "name_en", "unit", "kind", "direction", "periodicity", "numerator_definition", "denominator_definition", "definition"])
            .WriteAsync(data.Indicators, (i, w) => w.String(i.Code).String(i.Name).String(i.NameEn).String(i.Unit).String(i.Kind.ToString())
                .String(i.Direction.ToString()).String(i.Periodicity.ToString()).String(i.NumeratorDefinition).String(i.DenominatorDefinition).String(i.Definition), ct);
        var created = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await c.CreateBulkWriter("targets", ["id", "version", "region_code", "indicator_code", "kind", "comparator", "value", "start_date", "deadline",
                "baseline_period", "document", "clause", "responsible_units", "author", "created_at", "change_note"])
            .WriteAsync(data.Targets, (t, w) =>
            {
                w.String(t.Id).UInt64(t.Version).String(t.RegionCode).String(t.IndicatorCode).String(t.Kind.ToString())
                    .String(t.Comparator.ToString().ToLowerInvariant()).Decimal(t.Value).Date(t.StartDate).Date(t.Deadline);
                if (t.BaselinePeriod is { } b) w.Date(b);
                else w.Null();
                w.String(t.Document).String(t.Clause).Value(t.ResponsibleUnits).String("DataGenerator").DateTime(created).String("synthetic benchmark target");
            }, ct);
    }

    /// <summary>
    /// ObservationRollup.RebuildAsync, as after any bulk load that bypasses ingestion (at province scale it falls back
    /// to one indicator at a time; the method is reported).
    /// </summary>
    private async Task<string> RebuildRollupAsync(ClickHouseDatabase database, CancellationToken ct)
    {
        var method = await new ObservationRollup(database).RebuildAsync(ct);
        if (method == RollupRebuild.PerIndicator) log("ObservationRollup.RebuildAsync exceeded the memory limit: built one indicator at a time");
        return method == RollupRebuild.Whole ? "ObservationRollup.RebuildAsync" : "per indicator (RebuildAsync exceeded the memory limit)";
    }
}
