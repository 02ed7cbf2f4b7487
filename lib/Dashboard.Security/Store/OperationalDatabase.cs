using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dashboard.Security.Store;

/// <summary>
/// Opens connections to the operational store. Every statement in this library is written in the
/// subset SQLite and PostgreSQL share (TEXT and BIGINT columns, times as Unix milliseconds, flags as
/// 0/1), so one Dapper code path serves both; <see cref="Provider"/> is the one place that differs.
/// </summary>
public sealed class OperationalDatabase
{
    private readonly string _connectionString;

    /// <summary>Creates a factory for the given engine and connection string.</summary>
    public OperationalDatabase(StoreProvider provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Provider = provider;
        _connectionString = provider == StoreProvider.Sqlite
            // Foreign keys are off by default in SQLite; pooling keeps the file handle warm.
            ? new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = true, Pooling = true }.ToString()
            : connectionString;
    }

    /// <summary>Creates a factory from <see cref="SecurityOptions.Store"/>.</summary>
    public OperationalDatabase(SecurityOptions options) : this(options?.Store.Provider ?? StoreProvider.Sqlite, options?.Store.ConnectionString ?? "")
    {
    }

    /// <summary>The engine.</summary>
    public StoreProvider Provider { get; }

    /// <summary>Opens a connection.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = Provider == StoreProvider.Sqlite ? new SqliteConnection(_connectionString) : new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (connection is SqliteConnection)
            {
                // Waits for a writer in another process instead of failing at once with SQLITE_BUSY; the
                // write-ahead log lets the api's many concurrent token checks read while one request writes.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Begins a transaction that serialises writers: SQLite's default BEGIN IMMEDIATE already takes the
    /// write lock; PostgreSQL runs it SERIALIZABLE so check-then-insert sequences cannot interleave.
    /// </summary>
    internal async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Provider == StoreProvider.Sqlite
            ? await connection.BeginTransactionAsync(cancellationToken)
            : await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
}
