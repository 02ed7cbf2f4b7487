using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dashboard.Security;
using Microsoft.Data.Sqlite;

/// <summary>
/// <c>backup-store FILE</c> and <c>restore-store FILE [--replace]</c>: an online copy of a SQLite operational
/// store and its restore into a clean store, verified table by table (rows and a SHA-256 of the rows). SQLite's
/// backup API copies a consistent snapshot while services keep writing, which copying the file would not.
/// PostgreSQL stores are dumped and restored with pg_dump / pg_restore (scripts/backup.sh, scripts/restore.sh).
/// </summary>
internal static class StoreBackup
{
    public static bool Handles(string command) => command is "backup-store" or "restore-store";

    public static async Task<int> RunAsync(SecurityOptions options, string[] args, CancellationToken ct)
    {
        if (options.Store.Provider != StoreProvider.Sqlite)
        {
            await Console.Error.WriteLineAsync($"{args[0]} handles SQLite stores; a PostgreSQL store is dumped with pg_dump and restored with pg_restore (scripts/backup.sh and scripts/restore.sh do both).");
            return 2;
        }
        var storeFile = new SqliteConnectionStringBuilder(options.Store.ConnectionString).DataSource;
        switch (args)
        {
            case ["backup-store", var file]:
                return await BackupAsync(storeFile, file, ct);
            case ["restore-store", var file]:
                return await RestoreAsync(file, storeFile, replace: false, ct);
            case ["restore-store", var file, "--replace"]:
                return await RestoreAsync(file, storeFile, replace: true, ct);
            default:
                await Console.Error.WriteLineAsync("usage: Dashboard.Admin backup-store <file> | restore-store <file> [--replace]");
                return 2;
        }
    }

    private static async Task<int> BackupAsync(string storeFile, string backupFile, CancellationToken ct)
    {
        if (!File.Exists(storeFile))
        {
            await Console.Error.WriteLineAsync($"the operational store {storeFile} does not exist.");
            return 1;
        }
        if (File.Exists(backupFile))
        {
            await Console.Error.WriteLineAsync($"{backupFile} exists; a backup never overwrites one.");
            return 1;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(backupFile))!);
        await using (var source = await OpenAsync(storeFile, SqliteOpenMode.ReadOnly, ct))
        await using (var target = await OpenAsync(backupFile, SqliteOpenMode.ReadWriteCreate, ct))
        {
            source.BackupDatabase(target);
        }
        foreach (var t in await SummariseAsync(backupFile, ct))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store\t{t.Table}\t{t.Rows}\t{t.Checksum}"));
        return 0;
    }

    private static async Task<int> RestoreAsync(string backupFile, string storeFile, bool replace, CancellationToken ct)
    {
        if (!File.Exists(backupFile))
        {
            await Console.Error.WriteLineAsync($"the backup {backupFile} does not exist.");
            return 1;
        }
        // "A clean instance": restoring over a store that holds tables would silently drop what it has.
        if (File.Exists(storeFile) && !replace && (await SummariseAsync(storeFile, ct)).Count > 0)
        {
            await Console.Error.WriteLineAsync($"the operational store {storeFile} already holds tables; restore into a new file, or pass --replace to overwrite it.");
            return 1;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(storeFile))!);
        await using (var source = await OpenAsync(backupFile, SqliteOpenMode.ReadOnly, ct))
        await using (var target = await OpenAsync(storeFile, SqliteOpenMode.ReadWriteCreate, ct))
        {
            source.BackupDatabase(target);
        }

        var expected = await SummariseAsync(backupFile, ct);
        var actual = (await SummariseAsync(storeFile, ct)).ToDictionary(t => t.Table, StringComparer.Ordinal);
        var mismatches = 0;
        foreach (var e in expected)
        {
            var ok = actual.TryGetValue(e.Table, out var a) && a.Rows == e.Rows && a.Checksum == e.Checksum;
            if (!ok) mismatches++;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store\t{e.Table}\t{e.Rows}\t{a?.Rows.ToString(CultureInfo.InvariantCulture) ?? "missing"}\t{(ok ? "ok" : "MISMATCH")}"));
        }
        if (mismatches > 0)
        {
            await Console.Error.WriteLineAsync($"{mismatches} table(s) of the operational store differ from the backup.");
            return 1;
        }
        return 0;
    }

    private static async Task<SqliteConnection> OpenAsync(string file, SqliteOpenMode mode, CancellationToken ct)
    {
        // Pooling off: a pooled handle would keep the file open after the command, and a restore drill deletes it.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = mode, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>Every table with its row count and a SHA-256 over its rows in a fixed order.</summary>
    private static async Task<List<TableSummary>> SummariseAsync(string file, CancellationToken ct)
    {
        await using var connection = await OpenAsync(file, SqliteOpenMode.ReadOnly, ct);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) tables.Add(reader.GetString(0));
        }
        var result = new List<TableSummary>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            var quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            select.CommandText = $"SELECT * FROM {quoted}";
            await using var reader = await select.ExecuteReaderAsync(ct);
            // Ordered by every column in C#, not by rowid: WITHOUT ROWID tables have none, and the order must not
            // depend on how the copy laid out its pages.
            var rows = new List<string>();
            while (await reader.ReadAsync(ct))
            {
                var fields = new string[reader.FieldCount];
                for (var i = 0; i < fields.Length; i++) fields[i] = Field(reader.IsDBNull(i) ? null : reader.GetValue(i));
                rows.Add(string.Join('\t', fields));
            }
            rows.Sort(StringComparer.Ordinal);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var row in rows) hash.AppendData(Encoding.UTF8.GetBytes(row + "\n"));
            result.Add(new TableSummary(table, rows.Count, Convert.ToHexStringLower(hash.GetHashAndReset())));
        }
        return result;
    }

    /// <summary>One value as text that cannot be confused with another value or with the separators.</summary>
    private static string Field(object? value) => value switch
    {
        null => "\\N",
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => (Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")
            .Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal),
    };

    private sealed record TableSummary(string Table, long Rows, string Checksum);
}
