using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dashboard.Bench;
using Dashboard.ClickHouse.Ado;

// Usage: Dashboard.Bench generate <tsv-file> | insert | read | scorecard | ingest | noop  [--rows N]
// Each subcommand prints one line of key=value pairs for scripts/bench-clickhouse.sh to parse. The
// connection string comes from the environment (ConnectionStrings__ClickHouse), never the command line,
// so the password does not show in process listings.
//
// insert and read each make two full passes in one process and time both: the first ("cold") is what a
// one-shot process gets while tiered JIT is still compiling; the second ("seconds") is the steady rate
// of a long-running service, with the provider's code fully optimized. On a small machine the two differ
// a lot, because the JIT's background thread competes with the server for the same cores. read then
// makes a third, untimed pass that checksums every value.
// ingest (scripts/bench-ingest.sh) compares a whole pull with the bulk insert alone: see IngestBench.cs.
// odata (scripts/bench-odata.sh) compares the api's OData answers with ClickHouse running the same SQL: see ODataBench.cs.
const string Usage = "usage: Dashboard.Bench generate <tsv-file> | insert | read | scorecard | ingest [--runs N] [--page-size N] | odata --api URL [--runs N] [--clients N] [--seconds S] [--first-runs N] [--api-pid PID] | noop  [--rows N]";

if (args.Length == 0)
{
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}
var command = args[0];
string? path = null;
var rowCount = 1_000_000;
var runs = 3;
var pageSize = new Dashboard.Data.Ingestion.FeedReaderOptions().PageSize;
var loadOnly = false;
var skipLoad = false;
Uri? api = null;
var clients = 16;
var loadSeconds = 20.0;
int? apiPid = null;
var runsGiven = false;
int? firstRuns = null;
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--load-only" when command == "scorecard":
            loadOnly = true;
            break;
        case "--skip-load" when command == "scorecard":
            skipLoad = true;
            break;
        case "--rows" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r > 0:
            rowCount = r;
            i++;
            break;
        case "--api" when command == "odata" && i + 1 < args.Length && Uri.TryCreate(args[i + 1], UriKind.Absolute, out var u):
            api = u;
            i++;
            break;
        case "--clients" when command == "odata" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k > 0:
            clients = k;
            i++;
            break;
        case "--seconds" when command == "odata" && i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var sec) && sec > 0:
            loadSeconds = sec;
            i++;
            break;
        case "--first-runs" when command == "odata" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var f) && f > 0:
            firstRuns = f;
            i++;
            break;
        case "--api-pid" when command == "odata" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0:
            apiPid = pid;
            i++;
            break;
        case "--runs" when command is "ingest" or "odata" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
            runs = n;
            runsGiven = true;
            i++;
            break;
        case "--page-size" when command == "ingest" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0:
            pageSize = size;
            i++;
            break;
        case var _ when command == "scale-odata" && i == 1:
            break;
        case var p when command == "generate" && path is null && !p.StartsWith("--", StringComparison.Ordinal):
            path = p;
            break;
        default:
            await Console.Error.WriteLineAsync($"unknown argument {args[i]}; {Usage}");
            return 2;
    }
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

try
{
    switch (command)
    {
        case "noop":
            // The baseline footprint of the runtime and this tool, without the provider doing any work.
            Console.WriteLine("rows=0 seconds=0.000");
            return 0;
        case "generate" when path is not null:
            return await GenerateAsync(path, rowCount, cts.Token);
        case "insert":
            return await InsertAsync(ConnectionString(), rowCount, cts.Token);
        case "read":
            return await ReadAsync(ConnectionString(), cts.Token);
        case "scorecard":
            return await ScorecardBench.RunAsync(ConnectionString(), rowCount, runs: loadOnly ? 0 : 7, load: !skipLoad, cts.Token);
        case "reports": // scripts/bench-reports.sh: ReportService.GenerateAsync against the scorecard engine, see ReportsBench.cs
            return await ReportsBench.RunAsync(ConnectionString(), runs: 7, cts.Token);
        case "ingest":
            return await IngestBench.RunAsync(ConnectionString(), rowCount, runs, pageSize, cts.Token);
        case "scale-scorecard": // scripts/bench-scale.sh, over tools/DataGenerator's dataset: see ScaleBench.cs
            return await ScaleBench.ScorecardAsync(ConnectionString(), runs: 5, cts.Token);
        case "scale-odata" when args.Length >= 2 && Uri.TryCreate(args[1], UriKind.Absolute, out var scaleApi):
            return await ScaleBench.ODataAsync(ConnectionString(), scaleApi, runs: 7, [16, 64],
                double.Parse(Environment.GetEnvironmentVariable("BENCH_SCALE_LOAD_SECONDS") ?? "15", CultureInfo.InvariantCulture), cts.Token);
        case "web": return await WebBench.RunAsync(cts.Token); // scripts/bench-web.sh: pages' server time under 16 users, settings in BENCH_WEB_*; see WebBench.cs
        case "odata" when api is not null:
            // 9 alternating runs unless told otherwise (the default of 3 suits the minutes-long ingest passes).
            return await ODataBench.RunAsync(ConnectionString(), api, runsGiven ? runs : 9, firstRuns, clients, loadSeconds, apiPid, cts.Token);
        default:
            await Console.Error.WriteLineAsync(Usage);
            return 2;
    }
}
catch (Exception e) when (e is DbException or InvalidOperationException or IOException or ArgumentException)
{
    await Console.Error.WriteLineAsync($"{command} failed: {e.Message}");
    return 1;
}

static string ConnectionString() =>
    Environment.GetEnvironmentVariable("ConnectionStrings__ClickHouse") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("ConnectionStrings__ClickHouse is not set.");

// The seconds cover writing the file only; the checksum is what a later read must reproduce.
static async Task<int> GenerateAsync(string path, int count, CancellationToken ct)
{
    var rows = Observations.Generate(count);
    var check = new Checksum();
    foreach (var row in rows) check.Add(row);
    var clock = Stopwatch.StartNew();
    await TsvFile.WriteAsync(path, rows, ct);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rows={rows.Length} seconds={clock.Elapsed.TotalSeconds:F3} check={check}"));
    return 0;
}

// Rows are generated before any clock starts, as clickhouse-client's file is written before its clock
// starts: both sides time sending rows that already exist. The table is emptied between the passes.
static async Task<int> InsertAsync(string connectionString, int count, CancellationToken ct)
{
    var rows = Observations.Generate(count);
    await using var connection = new ClickHouseConnection(connectionString);
    await connection.OpenAsync(ct);
    var writer = connection.CreateBulkWriter(Observations.Table, Observations.Columns);

    var cold = await Pass.TimeAsync(() => writer.WriteAsync(rows, Observations.Map, ct));
    await using (var truncate = connection.CreateCommand("TRUNCATE TABLE " + Observations.Table))
        await truncate.ExecuteNonQueryAsync(ct);
    var warm = await Pass.TimeAsync(() => writer.WriteAsync(rows, Observations.Map, ct));

    if (cold.Outcome != count || warm.Outcome != count)
        throw new InvalidOperationException($"The bulk writer reported {cold.Outcome} and {warm.Outcome} rows where {count} were given.");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rows={warm.Outcome} {warm} {cold.As("cold_")}"));
    return 0;
}

static async Task<int> ReadAsync(string connectionString, CancellationToken ct)
{
    await using var connection = new ClickHouseConnection(connectionString);
    await connection.OpenAsync(ct);
    var select = "SELECT " + string.Join(", ", Observations.Columns) + " FROM " + Observations.Table;

    var cold = await Pass.TimeAsync(() => ReadAllAsync(connection, select, new RowTally(), ct));
    var warm = await Pass.TimeAsync(() => ReadAllAsync(connection, select, new RowTally(), ct));
    // Hashing every value costs about a tenth of a pass: verify in a third, untimed pass instead.
    var check = await ReadAllAsync(connection, select, new RowChecksum(), ct);

    if (cold.Outcome.ToString() != warm.Outcome.ToString())
        throw new InvalidOperationException($"Two reads of the same table returned different rows ({cold.Outcome} vs {warm.Outcome}).");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"rows={warm.Outcome.Rows} {warm} {cold.As("cold_")} check={check.Value} check_rows={check.Value.Rows}"));
    return 0;
}

// The per-row work sits in the consumer's small method, which reaches optimized code after a few calls,
// rather than in this async method's loop, which runs once per pass.
static async Task<T> ReadAllAsync<T>(ClickHouseConnection connection, string sql, T consumer, CancellationToken ct)
    where T : class, IRowConsumer
{
    await using var command = connection.CreateCommand(sql);
    command.CommandTimeout = 600;
    await using var reader = await command.ExecuteReaderAsync(ct);
    while (await reader.ReadAsync(ct)) consumer.Add(reader);
    return consumer;
}
