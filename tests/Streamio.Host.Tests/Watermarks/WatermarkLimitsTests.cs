using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Abstractions.Watermarks;
using Streamio.Abstractions.Wire;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Host.Tests.Watermarks;

/// <summary>A node whose one silo runs one session at a time, with sessions that live 20 s: 429 when full, cleanup at the TTL.</summary>
public sealed class WatermarkLimitsTests
{
    private const int TtlSeconds = 20;

    /// <summary>Long enough that the first session is still being made when the second request arrives.</summary>
    private static readonly ClipSpec LongClip = new(DurationSeconds: 30, Width: 640, Height: 360, Gop: 30);

    [Fact]
    public async Task A_full_cluster_answers_429_and_an_expired_session_leaves_nothing_behind()
    {
        await using var node = await StreamioNode.StartAsync(settings =>
        {
            settings["Streamio:Watermark:MaxSessionsPerSilo"] = "1";
            settings["Streamio:Watermark:SessionTtlSeconds"] = TtlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Streamio:Watermark:RetryAfterSeconds"] = "7";
        });
        var video = await node.WaitForReadyAsync((await node.UploadOkAsync(await ClipFactory.GetAsync(LongClip))).Id);
        var alice = await WatermarkStreams.StartOkAsync(node, video.Id, "alice", new WatermarkRequest("alice", "moving", null, null));

        using (var full = await WatermarkStreams.RequestAsync(node, video.Id, "bob", new WatermarkRequest("bob", null, null, null)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), full.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
            Assert.Contains("MaxSessionsPerSilo", (await full.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        }

        // Segments of the session exist while it lives...
        var grains = node.Services.GetRequiredService<IGrainFactory>();
        var storage = node.Services.GetRequiredService<IObjectStorage>();
        var session = grains.GetGrain<IWatermarkSessionGrain>(WatermarkSessionKeys.Of(video.Id, alice.SessionId));
        var firstSegment = "";
        await PollAsync(async () =>
        {
            if (await session.GetAsync() is { SegmentDurations.Count: > 0 } view)
            {
                firstSegment = StorageKeys.WatermarkSegment(view.ProjectId, video.Id, view.SessionId, view.Generation, 0);
                return true;
            }
            return false;
        }, "the session's first segment");
        Assert.True(await storage.ExistsAsync(firstSegment, CancellationToken.None));
        Assert.Equal(alice.SessionExpiresAt, alice.ExpiresAt);

        // ...and are gone, with the session, once its TTL has passed.
        await PollAsync(async () => await session.GetAsync() is null && !await storage.ExistsAsync(firstSegment, CancellationToken.None), "the expired session's cleanup");
        var prefix = Path.Combine(node.DataPath, "objects", StorageKeys.WatermarkSessionPrefix("default", video.Id, alice.SessionId));
        Assert.False(Directory.Exists(prefix) && Directory.EnumerateFiles(prefix, "*", SearchOption.AllDirectories).Any(), "no segment of the session is left");
        using (var master = await node.Http.GetAsync(alice.Url))
        {
            Assert.True(master.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"the expired session's URL answered {(int)master.StatusCode}");
        }

        // The slot is free again: the next viewer gets a stream.
        var bob = await WatermarkStreams.StartOkAsync(node, video.Id, "bob", new WatermarkRequest("bob", null, null, null));
        Assert.NotEqual(alice.SessionId, bob.SessionId);
    }

    private static async Task PollAsync(Func<Task<bool>> done, string what)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        while (!await done())
        {
            Assert.False(cancellation.IsCancellationRequested, $"timed out waiting for {what}");
            await Task.Delay(250, CancellationToken.None);
        }
    }
}
