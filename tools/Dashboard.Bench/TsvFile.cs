using Dashboard.ClickHouse.Bulk;

namespace Dashboard.Bench;

/// <summary>
/// Writes rows as the TabSeparated text clickhouse-client reads, through the provider's own
/// ClickHouseRowWriter and the same map as the bulk insert, so the server parses byte-identical text from
/// both sides and the comparison measures transport and client work, not different input.
/// </summary>
internal static class TsvFile
{
    private const int FlushBytes = 1 << 20;

    public static async Task WriteAsync(string path, IReadOnlyList<Observation> rows, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var writer = new ClickHouseRowWriter(Observations.Columns.Length);
        foreach (var row in rows)
        {
            Observations.Map(row, writer);
            writer.EndRow();
            if (writer.Written.Length >= FlushBytes)
            {
                await file.WriteAsync(writer.Written, cancellationToken);
                writer.Reset();
            }
        }
        await file.WriteAsync(writer.Written, cancellationToken);
        await file.FlushAsync(cancellationToken);
    }
}
