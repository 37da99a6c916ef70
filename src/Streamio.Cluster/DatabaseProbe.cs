using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Streamio.Cluster;

/// <summary>Readiness: the database that holds grain state and reminders answers a trivial query.</summary>
public static class DatabaseProbe
{
    public static async Task<bool> IsReachableAsync(StreamioDatabaseOptions database, CancellationToken cancellationToken)
    {
        try
        {
            await using DbConnection connection = database.Kind == DatabaseKind.Postgres
                ? new NpgsqlConnection(database.ConnectionString)
                : new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            return await command.ExecuteScalarAsync(cancellationToken) is not null;
        }
        catch (DbException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
