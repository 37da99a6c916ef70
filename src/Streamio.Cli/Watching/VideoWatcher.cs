using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Streamio.Cli.Api;

namespace Streamio.Cli.Watching;

/// <summary>How far to follow a video after its upload.</summary>
public enum WaitTarget
{
    None,
    Playable,
    Ready,
}

/// <summary>A state of the video: parsed, and as the server wrote it (what `--json` prints).</summary>
public sealed record VideoState(Video Video, string Json);

/// <summary>
/// Follows a video over SignalR (<c>/hubs/videos</c>: <c>Subscribe</c>, then every <c>videoUpdated</c>) until it is
/// playable or ready. When the hub cannot be reached or drops (a proxy without WebSockets, say), it polls
/// GET /v1/videos/{id} every second instead, so the command still ends.
/// </summary>
public sealed class VideoWatcher(StreamioClient api, TextWriter notes)
{
    private const string HubPath = "hubs/videos";
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    public async Task<VideoState> WaitAsync(string videoId, WaitTarget target, Action<Video> onUpdate, CancellationToken cancellationToken)
    {
        var updates = Channel.CreateUnbounded<VideoState>(new UnboundedChannelOptions { SingleReader = true });
        await using var hub = await TryConnectAsync(videoId, updates.Writer, cancellationToken);
        if (hub is null)
        {
            notes.WriteLine($"note: live updates ({api.Resolve(HubPath)}) are not reachable: polling GET /v1/videos/{videoId} every second instead.");
        }
        else
        {
            try
            {
                await foreach (var state in updates.Reader.ReadAllAsync(cancellationToken))
                {
                    onUpdate(state.Video);
                    if (Reached(state.Video, target))
                    {
                        return state;
                    }
                }
            }
            catch (HubClosedException)
            {
                notes.WriteLine($"note: the live updates connection closed: polling GET /v1/videos/{videoId} every second instead.");
            }
        }
        while (true)
        {
            var state = await GetAsync(videoId, cancellationToken);
            onUpdate(state.Video);
            if (Reached(state.Video, target))
            {
                return state;
            }
            await Task.Delay(PollEvery, cancellationToken);
        }
    }

    public async Task<VideoState> GetAsync(string videoId, CancellationToken cancellationToken)
    {
        var result = await api.GetAsync($"v1/videos/{Uri.EscapeDataString(videoId)}", cancellationToken);
        return new VideoState(result.Read(ApiJson.Default.Video), result.Text);
    }

    /// <summary>True when the wait is over; a failed video ends it with exit code 5.</summary>
    public static bool Reached(Video video, WaitTarget target)
    {
        if (video.IsFailed)
        {
            throw new CliException(ExitCodes.VideoFailed, $"Video {video.Id} failed: {video.Error ?? "no reason given"}");
        }
        return target switch
        {
            WaitTarget.Ready => video.IsReady,
            WaitTarget.Playable => video.Playable || video.IsReady,
            _ => true,
        };
    }

    private async Task<HubConnection?> TryConnectAsync(string videoId, ChannelWriter<VideoState> updates, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(api.Resolve(HubPath), options =>
            {
                if (api.Key is { } key)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(key);
                }
            })
            .Build();
        connection.ServerTimeout = TimeSpan.FromMinutes(1);
        connection.On<JsonElement>("videoUpdated", body =>
            updates.TryWrite(new VideoState(body.Deserialize(ApiJson.Default.Video)!, body.GetRawText())));
        connection.On<JsonElement>("videoDeleted", _ =>
            updates.TryComplete(new CliException(ExitCodes.NotFound, $"Video {videoId} was deleted while it was being watched.")));
        connection.Closed += error =>
        {
            updates.TryComplete(new HubClosedException());
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync(cancellationToken);
        }
        catch (Exception error) when (error is HttpRequestException or IOException or InvalidOperationException or System.Net.WebSockets.WebSocketException)
        {
            await connection.DisposeAsync();
            return null;
        }
        try
        {
            await connection.InvokeAsync("Subscribe", videoId, cancellationToken);
        }
        catch (HubException error)
        {
            await connection.DisposeAsync();
            // The hub says the video is not there (or not the caller's): the same answer GET would give.
            throw new CliException(ExitCodes.NotFound, error.Message.Replace("An unexpected error occurred invoking 'Subscribe' on the server. HubException: ", "", StringComparison.Ordinal));
        }
        return connection;
    }

    private sealed class HubClosedException : Exception;
}
