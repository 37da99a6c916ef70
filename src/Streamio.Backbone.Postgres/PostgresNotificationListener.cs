using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Streamio.Backbone.Postgres;

/// <summary>
/// Turns PostgreSQL notifications into this node's <see cref="BackboneSignals"/>, so a commit on any node wakes the
/// silos and event readers of every node at once instead of at their next poll. Holds one connection that LISTENs;
/// when it drops (a PostgreSQL restart, a network cut) it reconnects with backoff, and signals both on every
/// (re)connect because notifications sent while it was away are lost. Polling still runs, so this only ever saves latency.
/// </summary>
public sealed partial class PostgresNotificationListener(PostgresBackbone backbone, BackboneSignals signals, ILogger<PostgresNotificationListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    // A half-open TCP connection never errors on its own: after this much silence the listener pings the server.
    private static readonly TimeSpan PingAfter = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sessions;

    /// <summary>Completes once the first LISTEN is in place (tests wait for it before committing on another node).</summary>
    public Task Listening => _listening.Task;

    /// <summary>How many times a LISTEN was put in place: more than one means the listener reconnected.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken, onListening: () => retry = FirstRetry);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                LogConnectionLost(error, retry.TotalSeconds);
                // The pool's idle connections most likely died with this one: let the next call open fresh ones.
                backbone.DataSource.Clear();
                try
                {
                    await Task.Delay(retry, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken, Action onListening)
    {
        await using var connection = await backbone.DataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += OnNotification;
        await using (var listen = connection.CreateCommand())
        {
            listen.CommandText = $"LISTEN {PostgresSchema.WorkChannel}; LISTEN {PostgresSchema.EventsChannel}";
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }
        onListening();
        LogListening();
        // Anything committed while no LISTEN was in place went unnoticed: wake everyone to look.
        signals.WorkEnqueued();
        signals.EventsCommitted();
        Interlocked.Increment(ref _sessions);
        _listening.TrySetResult();
        while (true)
        {
            if (!await connection.WaitAsync(PingAfter, stoppingToken))
            {
                await using var ping = connection.CreateCommand();
                ping.CommandText = "SELECT 1";
                await ping.ExecuteScalarAsync(stoppingToken);
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs notification)
    {
        switch (notification.Channel)
        {
            case PostgresSchema.WorkChannel:
                signals.WorkEnqueued();
                break;
            case PostgresSchema.EventsChannel:
                signals.EventsCommitted();
                break;
        }
    }

    [LoggerMessage(LogLevel.Information, "Listening for backbone notifications")]
    private partial void LogListening();

    [LoggerMessage(LogLevel.Warning, "The backbone notification connection failed; reconnecting in {Seconds} s")]
    private partial void LogConnectionLost(Exception error, double seconds);
}
