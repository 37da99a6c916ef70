using Dapper;
using Npgsql;

namespace Streamio.Backbone.Postgres;

public sealed partial class PostgresBackbone
{
    /// <summary>
    /// Appends a commit's events. Readers keep a cursor and read "after sequence N", so a sequence number must never
    /// become visible before a smaller one that is still to come. A bigserial alone does not give that: transaction A
    /// takes seq 10, transaction B takes seq 11 and commits first, a reader sees 11 and moves its cursor past 10,
    /// then A commits and event 10 is never read.
    /// </summary>
    /// <remarks>
    /// So event-writing transactions serialize on a transaction-level advisory lock, taken right before the sequence
    /// numbers are drawn and held until commit or rollback. Whoever holds it is the only transaction with uncommitted
    /// event rows; the next one draws its numbers only after the previous one has ended, and PostgreSQL makes a commit
    /// visible before it releases its locks. Hence any snapshot that sees seq N also sees every committed seq below N
    /// (rolled-back transactions leave gaps, which readers skip harmlessly). Only commits that carry events take the
    /// lock, and as their last step, so the serialized window is the event inserts plus the commit itself.
    /// </remarks>
    private static async Task AppendEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewEvent> events, long now,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(Command($"SELECT pg_advisory_xact_lock({PostgresSchema.EventLock})", transaction, cancellationToken));
        foreach (var grainEvent in events)
        {
            await connection.ExecuteAsync(Command("INSERT INTO events (topic, key, payload, at) VALUES (@Topic, @Key, @PayloadJson, @now)",
                transaction, cancellationToken, new { grainEvent.Topic, grainEvent.Key, grainEvent.PayloadJson, now }));
        }
        await connection.ExecuteAsync(Command($"NOTIFY {PostgresSchema.EventsChannel}", transaction, cancellationToken));
    }

    public Task<IReadOnlyList<GrainEvent>> ReadAfterAsync(long sequence, int max, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<GrainEvent>>(async (connection, _) =>
        {
            var rows = await connection.QueryAsync<EventRow>(Command(
                "SELECT seq, topic, key, payload, at FROM events WHERE seq > @sequence ORDER BY seq LIMIT @max",
                null, cancellationToken, new { sequence, max }));
            return rows.Select(row => new GrainEvent(row.Seq, row.Topic, row.Key, row.Payload, DateTimeOffset.FromUnixTimeMilliseconds(row.At))).ToList();
        }, cancellationToken);

    public Task<long> LatestSequenceAsync(CancellationToken cancellationToken) => RunAsync((connection, _) =>
        connection.ExecuteScalarAsync<long>(Command("SELECT COALESCE(MAX(seq), 0) FROM events", null, cancellationToken)), cancellationToken);

    /// <remarks>Idempotent, so it is retried after a broken connection; the count then only covers the retry.</remarks>
    public Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => RunAsync((connection, _) =>
        connection.ExecuteAsync(Command("DELETE FROM events WHERE at < @cutoff", null, cancellationToken, new { cutoff = olderThan.ToUnixTimeMilliseconds() })),
        cancellationToken);

    private sealed record EventRow(long Seq, string Topic, string Key, string Payload, long At);
}
