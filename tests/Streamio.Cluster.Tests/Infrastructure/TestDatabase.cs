using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Streamio.Testing;

namespace Streamio.Cluster.Tests.Infrastructure;

/// <summary>A database of its own for one test, with just enough SQL access to look behind the providers' backs.</summary>
public sealed class TestDatabase(DatabaseKind kind, string connectionString)
{
    public DatabaseKind Kind { get; } = kind;

    public string ConnectionString { get; } = connectionString;

    /// <summary>A SQLite file in a folder that does not exist yet (the migration must create it).</summary>
    public static TestDatabase Sqlite(TempDirectory directory) =>
        new(DatabaseKind.Sqlite, $"Data Source={directory.Combine("not-yet", "streamio.db")}");

    public static async Task<TestDatabase> PostgresAsync(PostgresServer server) =>
        new(DatabaseKind.Postgres, await server.CreateDatabaseAsync());

    public async Task<long> CountAsync(string table, string where = "TRUE") =>
        Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM {table} WHERE {where}"));

    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query and returns its rows as column-name → value maps (names in lower case).</summary>
    public async Task<List<Dictionary<string, object?>>> RowsAsync(string sql, params (string Name, object? Value, DbType Type)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value, type) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            parameter.DbType = type;
            command.Parameters.Add(parameter);
        }
        var rows = new List<Dictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
                var row = new Dictionary<string, object?>();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i).ToLowerInvariant()] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }
                rows.Add(row);
            }
        }
        while (await reader.NextResultAsync());
        return rows;
    }

    /// <summary>The text Streamio stored for an Orleans query key.</summary>
    public async Task<string> QueryTextAsync(string key) =>
        (string?)await ScalarAsync("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", ("key", key))
        ?? throw new InvalidOperationException($"OrleansQuery has no {key}.");

    private async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Kind == DatabaseKind.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static DbCommand Command(DbConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
