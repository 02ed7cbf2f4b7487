using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dashboard.ClickHouse.Ado;
using Dashboard.ClickHouse.Sql;

namespace Dashboard.ClickHouse.Migrations;

/// <summary>One migration file: <c>NNNN_name.sql</c>.</summary>
/// <param name="Version">The number the file name starts with.</param>
/// <param name="Name">The file name.</param>
/// <param name="Checksum">SHA-256 of the file's text, to catch an applied file that was edited afterwards.</param>
/// <param name="Sql">The file's text.</param>
public sealed record MigrationFile(int Version, string Name, string Checksum, string Sql);

/// <summary>A migration recorded as applied.</summary>
public sealed record AppliedMigration(int Version, string Name, string Checksum, DateTime AppliedAt, int DurationMs);

/// <summary>Where a database stands against the migration files.</summary>
/// <param name="Applied">Migrations recorded in the database.</param>
/// <param name="Pending">Files not applied yet, in order.</param>
/// <param name="Modified">Applied files whose text changed since they were applied.</param>
public sealed record MigrationStatus(IReadOnlyList<AppliedMigration> Applied, IReadOnlyList<MigrationFile> Pending, IReadOnlyList<string> Modified)
{
    /// <summary>True when every file is applied and none was edited afterwards.</summary>
    public bool UpToDate => Pending.Count == 0 && Modified.Count == 0;
}

/// <summary>A migration that could not be applied or a migration folder that is not valid.</summary>
public sealed class MigrationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Applies numbered SQL files in order and records each in <c>schema_migrations</c>. Safe to run twice
/// and from several processes at once: a lock table that only one <c>CREATE TABLE</c> can create makes
/// the others wait, and the applied set is re-read under the lock.
/// </summary>
public sealed partial class ClickHouseMigrator
{
    private const string Table = "schema_migrations";
    private const string LockTable = "schema_migrations_lock";
    private readonly string _connectionString;
    private readonly string _database;
    private readonly string _directory;

    /// <summary>Creates a migrator for the database named in the connection string.</summary>
    /// <param name="connectionString">A ClickHouse connection string; its Database is created when missing.</param>
    /// <param name="directory">The folder with the <c>NNNN_name.sql</c> files.</param>
    public ClickHouseMigrator(string connectionString, string directory)
    {
        _connectionString = connectionString;
        _database = new ClickHouseConnectionStringBuilder(connectionString).Database;
        if (_database.Length == 0) throw new ArgumentException("The connection string must name a Database to migrate.", nameof(connectionString));
        SqlIdentifier.Validate(_database);
        _directory = directory;
    }

    /// <summary>How long to wait for another process's lock before giving up (default 2 minutes).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A lock older than this is taken to be left by a dead process and is broken (default 15 minutes).</summary>
    public TimeSpan StaleLockAge { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Receives progress lines.</summary>
    public Action<string>? Log { get; init; }

    [GeneratedRegex(@"^(\d{4})_[a-z0-9_]+\.sql$")]
    private static partial Regex FileName();

    /// <summary>Reads and checks the migration files: names, numbering, no duplicates.</summary>
    /// <exception cref="MigrationException">A file name is not <c>NNNN_name.sql</c> or a number is used twice.</exception>
    public IReadOnlyList<MigrationFile> ReadFiles()
    {
        if (!Directory.Exists(_directory)) throw new MigrationException($"The migration folder {_directory} does not exist.");
        var files = new List<MigrationFile>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*.sql").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var m = FileName().Match(name);
            if (!m.Success) throw new MigrationException($"Migration file {name} is not named NNNN_lower_case_name.sql.");
            var text = File.ReadAllText(path, Encoding.UTF8);
            var version = int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            if (files.Find(f => f.Version == version) is { } other)
                throw new MigrationException($"Migration files {other.Name} and {name} share the number {version:D4}.");
            files.Add(new MigrationFile(version, name, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))), text));
        }
        return files;
    }

    /// <summary>Compares the files with what the database recorded, without changing anything.</summary>
    public async Task<MigrationStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var files = ReadFiles();
        await using var connection = new ClickHouseConnection(ClickHouseConnection.WithDatabase(_connectionString, ""));
        await connection.OpenAsync(cancellationToken);
        var applied = await ReadAppliedAsync(connection, cancellationToken);
        return Compare(files, applied);
    }

    /// <summary>Creates the database if needed and applies every pending file in order.</summary>
    /// <returns>The files this call applied (empty when another process applied them or none were pending).</returns>
    /// <exception cref="MigrationException">A file failed (the message names it and the statement), or an applied file was edited.</exception>
    public async Task<IReadOnlyList<MigrationFile>> MigrateAsync(CancellationToken cancellationToken)
    {
        var files = ReadFiles();
        await using var connection = new ClickHouseConnection(ClickHouseConnection.WithDatabase(_connectionString, ""));
        await connection.OpenAsync(cancellationToken);
        await ExecAsync(connection, $"CREATE DATABASE IF NOT EXISTS {Q(_database)}", cancellationToken);
        await ExecAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS {Q(_database)}.{Q(Table)}
            (version UInt32, name String, checksum String, applied_at DateTime, duration_ms UInt32)
            ENGINE = MergeTree ORDER BY version
            """, cancellationToken);

        var owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        await AcquireLockAsync(connection, owner, cancellationToken);
        try
        {
            var status = Compare(files, await ReadAppliedAsync(connection, cancellationToken));
            if (status.Modified.Count > 0)
                throw new MigrationException($"Applied migration files were edited afterwards: {string.Join(", ", status.Modified)}. Add a new migration instead.");
            connection.ChangeDatabase(_database);
            foreach (var file in status.Pending)
                await ApplyAsync(connection, file, cancellationToken);
            return status.Pending;
        }
        finally
        {
            // Released even when cancelled: a left-over lock would stall every other process.
            await ExecAsync(connection, $"DROP TABLE IF EXISTS {Q(_database)}.{Q(LockTable)}", CancellationToken.None);
        }
    }

    private async Task ApplyAsync(ClickHouseConnection connection, MigrationFile file, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var statements = SqlText.SplitStatements(file.Sql);
        for (var i = 0; i < statements.Count; i++)
        {
            try
            {
                await ExecAsync(connection, statements[i], ct);
            }
            catch (ClickHouseException e)
            {
                throw new MigrationException($"Migration {file.Name} failed at statement {i + 1} of {statements.Count}: {e.ServerMessage}", e);
            }
        }
        var ms = (int)(DateTime.UtcNow - started).TotalMilliseconds;
        await using var command = connection.CreateCommand(
            $"INSERT INTO {Q(_database)}.{Q(Table)} (version, name, checksum, applied_at, duration_ms) VALUES (@version, @name, @checksum, @at, @ms)");
        command.Parameters.AddWithValue("version", file.Version);
        command.Parameters.AddWithValue("name", file.Name);
        command.Parameters.AddWithValue("checksum", file.Checksum);
        command.Parameters.AddWithValue("at", started);
        command.Parameters.AddWithValue("ms", ms);
        await command.ExecuteNonQueryAsync(ct);
        Log?.Invoke($"applied {file.Name} ({statements.Count} statements, {ms} ms)");
    }

    private async Task AcquireLockAsync(ClickHouseConnection connection, string owner, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                // CREATE TABLE without IF NOT EXISTS succeeds for exactly one caller: that is the lock.
                await ExecAsync(connection, $"CREATE TABLE {Q(_database)}.{Q(LockTable)} (owner String, acquired_at DateTime) ENGINE = TinyLog", ct);
                await using var insert = connection.CreateCommand($"INSERT INTO {Q(_database)}.{Q(LockTable)} (owner, acquired_at) VALUES (@owner, @at)");
                insert.Parameters.AddWithValue("owner", owner);
                insert.Parameters.AddWithValue("at", DateTime.UtcNow);
                await insert.ExecuteNonQueryAsync(ct);
                return;
            }
            catch (ClickHouseException e) when (e.ServerCode is 57 or 44 or 82 or 239)
            {
                // 57 table exists; 44/82/239: another process is creating it right now.
            }
            if (await IsStaleAsync(connection, ct))
            {
                Log?.Invoke("breaking a stale migration lock");
                await ExecAsync(connection, $"DROP TABLE IF EXISTS {Q(_database)}.{Q(LockTable)}", ct);
                continue;
            }
            if (DateTime.UtcNow > deadline)
                throw new MigrationException($"Another process has held the migration lock ({_database}.{LockTable}) for more than {LockTimeout.TotalSeconds:F0} s.");
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    private async Task<bool> IsStaleAsync(ClickHouseConnection connection, CancellationToken ct)
    {
        try
        {
            await using var command = connection.CreateCommand($"SELECT min(acquired_at) FROM {Q(_database)}.{Q(LockTable)}");
            var acquired = await command.ExecuteScalarAsync(ct);
            // An empty lock table was created a moment ago and its row is on its way.
            return acquired is DateTime at && at > DateTime.UnixEpoch && DateTime.UtcNow - at > StaleLockAge;
        }
        catch (ClickHouseException e) when (e.Kind == ClickHouseErrorKind.UnknownObject)
        {
            return false; // released between our CREATE and this read: just try again
        }
    }

    private async Task<List<AppliedMigration>> ReadAppliedAsync(ClickHouseConnection connection, CancellationToken ct)
    {
        await using var exists = connection.CreateCommand("SELECT count() FROM system.tables WHERE database = @db AND name = @table");
        exists.Parameters.AddWithValue("db", _database);
        exists.Parameters.AddWithValue("table", Table);
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0) return [];

        await using var command = connection.CreateCommand(
            $"SELECT version, name, checksum, applied_at, duration_ms FROM {Q(_database)}.{Q(Table)} ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<AppliedMigration>();
        while (await reader.ReadAsync(ct))
            list.Add(new AppliedMigration((int)reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2), reader.GetDateTime(3), (int)reader.GetFieldValue<uint>(4)));
        return list;
    }

    private static MigrationStatus Compare(IReadOnlyList<MigrationFile> files, List<AppliedMigration> applied)
    {
        var byVersion = applied.GroupBy(a => a.Version).ToDictionary(g => g.Key, g => g.First());
        var pending = files.Where(f => !byVersion.ContainsKey(f.Version)).ToList();
        var modified = files.Where(f => byVersion.TryGetValue(f.Version, out var a) && a.Checksum != f.Checksum).Select(f => f.Name).ToList();
        return new MigrationStatus(applied, pending, modified);
    }

    private static async Task ExecAsync(ClickHouseConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string Q(string identifier) => SqlIdentifier.Quote(identifier);
}
