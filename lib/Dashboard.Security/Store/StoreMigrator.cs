using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;

namespace Dashboard.Security.Store;

/// <summary>One operational-store migration: <c>NNNN_name.sql</c>, in the dialect of the store it is for.</summary>
/// <param name="Version">The number the name starts with.</param>
/// <param name="Name">The file name.</param>
/// <param name="Checksum">SHA-256 of the text, to catch an applied migration edited afterwards.</param>
/// <param name="Sql">The statements, separated by semicolons at line ends.</param>
public sealed record StoreMigration(int Version, string Name, string Checksum, string Sql);

/// <summary>A migration that failed, or applied migrations that were edited afterwards.</summary>
public sealed class StoreMigrationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Applies the numbered SQL files embedded from Store/Migrations in order, each in its own
/// transaction with its record in <c>schema_migrations</c>, the simple sibling of the ClickHouse
/// migrator. A file in Store/Migrations/postgresql/ with the same name replaces the common one on
/// PostgreSQL: the dialect variant for the rare statement the two engines spell differently.
/// </summary>
public sealed partial class StoreMigrator(OperationalDatabase database)
{
    private const string Prefix = "Dashboard.Security.Migrations.";

    /// <summary>Receives progress lines.</summary>
    public Action<string>? Log { get; init; }

    [GeneratedRegex(@"^(\d{4})_[a-z0-9_]+\.sql$")]
    private static partial Regex FileName();

    /// <summary>The migrations for <paramref name="provider"/>, in order, from the embedded files.</summary>
    public static IReadOnlyList<StoreMigration> ReadMigrations(StoreProvider provider)
    {
        var assembly = typeof(StoreMigrator).Assembly;
        var common = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var variant = new Dictionary<string, string>(StringComparer.Ordinal);
        var variantFolder = provider == StoreProvider.PostgreSql ? "postgresql/" : "sqlite/";
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var relative = resource[Prefix.Length..].Replace('\\', '/');
            var slash = relative.LastIndexOf('/');
            if (slash < 0) common[relative] = ReadResource(assembly, resource);
            else if (relative.StartsWith(variantFolder, StringComparison.Ordinal)) variant[relative[(slash + 1)..]] = ReadResource(assembly, resource);
        }
        foreach (var name in variant.Keys.Where(n => !common.ContainsKey(n)))
            throw new StoreMigrationException($"Dialect variant {variantFolder}{name} has no common migration of the same name.");

        var list = new List<StoreMigration>();
        foreach (var (name, commonSql) in common)
        {
            var m = FileName().Match(name);
            if (!m.Success) throw new StoreMigrationException($"Migration {name} is not named NNNN_lower_case_name.sql.");
            var version = int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            if (list.Exists(x => x.Version == version)) throw new StoreMigrationException($"Two migrations share the number {version:D4}.");
            var sql = variant.GetValueOrDefault(name, commonSql);
            list.Add(new StoreMigration(version, name, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql))), sql));
        }
        return list;
    }

    /// <summary>Applies every pending migration.</summary>
    /// <returns>The migrations this call applied.</returns>
    /// <exception cref="StoreMigrationException">A migration failed, or an applied one was edited since.</exception>
    public async Task<IReadOnlyList<StoreMigration>> MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = ReadMigrations(database.Provider);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            cancellationToken: cancellationToken));

        var applied = new List<StoreMigration>();
        foreach (var migration in migrations)
        {
            await using var tx = await database.BeginWriteAsync(connection, cancellationToken);
            // Re-read under the write transaction: another process may have applied it meanwhile.
            var checksum = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT checksum FROM schema_migrations WHERE version = @version", new { version = (long)migration.Version }, tx, cancellationToken: cancellationToken));
            if (checksum is not null)
            {
                if (checksum != migration.Checksum)
                    throw new StoreMigrationException($"Applied migration {migration.Name} was edited afterwards. Add a new migration instead.");
                continue;
            }
            await ApplyAsync(connection, tx, migration, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            applied.Add(migration);
            Log?.Invoke($"applied {migration.Name}");
        }
        return applied;
    }

    private static async Task ApplyAsync(DbConnection connection, DbTransaction tx, StoreMigration migration, CancellationToken ct)
    {
        var statements = SplitStatements(migration.Sql);
        for (var i = 0; i < statements.Count; i++)
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(statements[i], transaction: tx, cancellationToken: ct));
            }
            catch (DbException e)
            {
                throw new StoreMigrationException($"Migration {migration.Name} failed at statement {i + 1} of {statements.Count}: {e.Message}", e);
            }
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, @at)",
            new { version = (long)migration.Version, name = migration.Name, checksum = migration.Checksum, at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
            tx, cancellationToken: ct));
    }

    /// <summary>
    /// Splits on semicolons that end a line, after dropping whole-line <c>--</c> comments: the files are
    /// ours and keep to that shape, so no SQL tokenizer is needed.
    /// </summary>
    internal static List<string> SplitStatements(string sql)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        foreach (var raw in sql.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.TrimStart().StartsWith("--", StringComparison.Ordinal)) continue;
            if (line.EndsWith(';'))
            {
                current.AppendLine(line[..^1]);
                Flush();
            }
            else current.AppendLine(line);
        }
        Flush();
        return statements;

        void Flush()
        {
            var text = current.ToString().Trim();
            if (text.Length > 0) statements.Add(text);
            current.Clear();
        }
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new StoreMigrationException($"Embedded migration {name} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
