using Dashboard.ClickHouse.Ado;

namespace Dashboard.Data.Storage;

/// <summary>The one way the domain opens ClickHouse connections: from the configured connection string.</summary>
public sealed class ClickHouseDatabase(string connectionString)
{
    /// <summary>The connection string (holds the password: never log it).</summary>
    internal string ConnectionString { get; } = connectionString;

    /// <summary>Opens a connection.</summary>
    public async Task<ClickHouseConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new ClickHouseConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
