using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Bulk;
using DataGenerator;

// Usage: DataGenerator [--provinces N] [--schools-per-province N] [--seed N] [--until yyyy-MM] [--database NAME] [--streams N]
//        DataGenerator --tsv FILE [same options]   (the current rows as TabSeparated, for clickhouse-client's baseline)
//        DataGenerator bench-account [region …]     (scripts/bench-scale.sh: an API key of a Leader over every root, see BenchAccount.cs)
// Writes into an already migrated database (Dashboard.Migrate). The connection string comes from the environment
// (ConnectionStrings__ClickHouse), never the command line, so the password does not show in process listings.
// Prints one key=value line for scripts/bench-scale.sh; progress goes to stderr.
const string Usage = "usage: DataGenerator [--provinces N] [--schools-per-province N] [--seed N] [--until yyyy-MM] [--database NAME] [--streams N] [--tsv FILE]";

var provinces = 2;
var schools = 13_300;
var seed = 20_260_101L;
var until = new DateOnly(2026, 10, 1);
string? databaseName = null;
string? tsv = null;
// Two INSERTs at once let the server parse on both cores while this process formats (measured: docs/benchmarks.md).
var streams = 2;
if (args is ["bench-account", ..])
{
    // The top-level regions a Leader needs to see everything: the seeded roots and the synthetic provinces.
    string[] roots = ["320000", "330000", "999000", .. args.Skip(1)];
    Console.WriteLine(await BenchAccount.CreateKeyAsync(roots, CancellationToken.None));
    return 0;
}
for (var i = 0; i < args.Length; i++)
{
    var next = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--provinces" when int.TryParse(next, NumberStyles.None, CultureInfo.InvariantCulture, out var p): provinces = p; i++; break;
        case "--schools-per-province" when int.TryParse(next, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var s): schools = s; i++; break;
        case "--seed" when long.TryParse(next, NumberStyles.Integer, CultureInfo.InvariantCulture, out var sd): seed = sd; i++; break;
        case "--until" when DateOnly.TryParseExact(next + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var u): until = u; i++; break;
        case "--database" when !string.IsNullOrWhiteSpace(next): databaseName = next; i++; break;
        case "--streams" when int.TryParse(next, NumberStyles.None, CultureInfo.InvariantCulture, out var st) && st > 0: streams = st; i++; break;
        case "--tsv" when !string.IsNullOrWhiteSpace(next): tsv = next; i++; break;
        default:
            await Console.Error.WriteLineAsync($"unknown argument {args[i]}; {Usage}");
            return 2;
    }
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
void Log(string message) => Console.Error.WriteLine($"[generator] {message}");

try
{
    var data = new Dataset(new GeneratorOptions(provinces, schools, seed, until));
    Log($"{provinces} provinces x {schools:N0} schools x {data.Indicators.Count} indicators x {data.Options.Months} months = {(long)data.Schools.Count * data.Indicators.Count * data.Options.Months:N0} observations, seed {seed}");
    if (tsv is not null) return await WriteTsvAsync(data, tsv, cts.Token);

    var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__ClickHouse") is { Length: > 0 } cs
        ? cs : throw new InvalidOperationException("ConnectionStrings__ClickHouse is not set.");
    var builder = new ClickHouseConnectionStringBuilder(connectionString);
    if (databaseName is not null) builder.Database = databaseName;
    // The roll-up rebuild over 100M rows runs for minutes: a request timeout of seconds would cancel it.
    builder.Timeout = Math.Max(builder.Timeout, 3600);
    var result = await new Generator(builder.ConnectionString, data, streams, Log).RunAsync(cts.Token);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"rows={result.Rows} raw_rows={result.RawRows} regions={result.Regions} schools={data.Schools.Count} streams={streams} seconds={result.ObservationSeconds:F1} rows_per_s={result.Rows / result.ObservationSeconds:F0} all_rows_per_s={(result.Rows + result.RawRows) / result.ObservationSeconds:F0} rollup_seconds={result.RollupSeconds:F1} rollup=\"{result.RollupMethod}\""));
    return 0;
}
catch (Exception e) when (e is DbException or InvalidOperationException or IOException or ArgumentException or HttpRequestException)
{
    await Console.Error.WriteLineAsync($"DataGenerator failed: {e.Message}");
    return 1;
}

// The current rows of every slice, in the generator's order, formatted by the provider's own row writer, so
// clickhouse-client parses the same bytes the bulk writer sends.
static async Task<int> WriteTsvAsync(Dataset data, string path, CancellationToken ct)
{
    var source = new ObservationSource(data);
    var clock = Stopwatch.StartNew();
    await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
    var writer = new ClickHouseRowWriter(ObservationSource.Columns.Length);
    foreach (var item in source.Items().Where(i => !i.Raw))
    {
        foreach (var row in source.Rows(item))
        {
            ObservationSource.Map(row, writer);
            writer.EndRow();
            if (writer.Written.Length >= 1 << 20)
            {
                await file.WriteAsync(writer.Written, ct);
                writer.Reset();
            }
        }
    }
    await file.WriteAsync(writer.Written, ct);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rows={writer.Rows} seconds={clock.Elapsed.TotalSeconds:F1}"));
    return 0;
}
