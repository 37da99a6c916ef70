using System.Data.Common;

namespace Streamio.Cluster.Schema;

/// <summary>
/// Applies the pending <see cref="Migration"/>s of one database in one transaction that first takes a database-wide
/// lock, so nodes starting together serialise here: the first applies what is missing, the others then find nothing
/// to do. Each dialect supplies how to connect, how to lock, and its migrations.
/// </summary>
internal abstract class SchemaMigrator
{
    public abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>Creates <c>streamio_schema</c> (version, description, applied_at) if it is missing.</summary>
    protected abstract string VersionTableDdl { get; }

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins the migration transaction holding a lock no other migrator of the same database can hold at once.</summary>
    protected abstract Task<DbTransaction> BeginLockedAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Brings the database to the latest version; returns that version.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var latest = Migrations[^1].Version;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginLockedAsync(connection, cancellationToken);
        await ExecuteAsync(connection, transaction, VersionTableDdl, cancellationToken);
        var current = await CurrentVersionAsync(connection, transaction, cancellationToken);
        if (current > latest)
        {
            throw new InvalidOperationException(
                $"The database schema is at version {current}, newer than this Streamio build knows ({latest}): run a newer Streamio against it.");
        }
        foreach (var migration in Migrations.Where(migration => migration.Version > current))
        {
            await ApplyAsync(connection, transaction, migration, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return latest;
    }

    private static async Task ApplyAsync(DbConnection connection, DbTransaction transaction, Migration migration, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(migration.Script))
        {
            await ExecuteAsync(connection, transaction, migration.Script, cancellationToken);
        }
        foreach (var (key, text) in migration.Queries)
        {
            await ExecuteAsync(connection, transaction,
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text) " +
                "ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText",
                cancellationToken, ("key", key), ("text", text));
        }
        await ExecuteAsync(connection, transaction,
            "INSERT INTO streamio_schema (version, description) VALUES (@version, @description)",
            cancellationToken, ("version", migration.Version), ("description", migration.Description));
    }

    private static async Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM streamio_schema");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    protected static async Task ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
