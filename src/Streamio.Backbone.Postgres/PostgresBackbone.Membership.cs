using Dapper;

namespace Streamio.Backbone.Postgres;

public sealed partial class PostgresBackbone
{
    // Single idempotent statements: safe to run again after a broken connection.

    public Task JoinAsync(SiloInfo silo, CancellationToken cancellationToken) => RunAsync((connection, _) => connection.ExecuteAsync(Command(
        "INSERT INTO silos (id, host, roles, started_at, heartbeat_at, running) VALUES (@Id, @Host, @Roles, @started, @heartbeat, 0) " +
        "ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
        null, cancellationToken, new { silo.Id, silo.Host, silo.Roles, started = silo.StartedAt.ToUnixTimeMilliseconds(), heartbeat = Now() })),
        cancellationToken);

    public Task HeartbeatAsync(string siloId, int runningWork, CancellationToken cancellationToken) => RunAsync((connection, _) =>
        connection.ExecuteAsync(Command("UPDATE silos SET heartbeat_at = @now, running = @runningWork WHERE id = @siloId",
            null, cancellationToken, new { now = Now(), runningWork, siloId })),
        cancellationToken);

    public Task LeaveAsync(string siloId, CancellationToken cancellationToken) => RunAsync((connection, _) =>
        connection.ExecuteAsync(Command("DELETE FROM silos WHERE id = @siloId", null, cancellationToken, new { siloId })), cancellationToken);

    public Task<IReadOnlyList<SiloInfo>> ListAsync(CancellationToken cancellationToken) => RunAsync<IReadOnlyList<SiloInfo>>(async (connection, _) =>
    {
        var rows = await connection.QueryAsync<SiloRow>(Command(
            "SELECT id, host, roles, started_at AS startedAt, heartbeat_at AS heartbeatAt, running FROM silos ORDER BY started_at, id",
            null, cancellationToken));
        return rows.Select(row => new SiloInfo(row.Id, row.Host, row.Roles, DateTimeOffset.FromUnixTimeMilliseconds(row.StartedAt),
            DateTimeOffset.FromUnixTimeMilliseconds(row.HeartbeatAt), row.Running)).ToList();
    }, cancellationToken);

    private sealed record SiloRow(string Id, string Host, string Roles, long StartedAt, long HeartbeatAt, int Running);
}
