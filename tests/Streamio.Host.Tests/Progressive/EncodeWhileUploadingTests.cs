using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Api;
using Streamio.Host.Uploads.Progressive;
using static Streamio.Host.Tests.Progressive.HeldUploads;
using static Streamio.Host.Tests.Tus.TusRequests;

namespace Streamio.Host.Tests.Progressive;

/// <summary>
/// Issue 14: a source that reads from the front (MKV, WebM, MPEG-TS, fast-start MP4) is playable while its upload is
/// still running, through multipart POST /v1/videos and through tus. The client holds back the last 40 % of its bytes
/// until it sees the video playable, so "before the last byte" is the client's own state; then it sends the rest and the
/// video completes and plays to the end. An MP4 with its index at the end takes the old path and says why; a client
/// that breaks off leaves nothing.
/// </summary>
[Collection(SharedNodeCollection.Name)]
public sealed class EncodeWhileUploadingTests(SharedNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    [Theory]
    [MemberData(nameof(Containers), MemberType = typeof(HeldUploads))]
    public async Task A_multipart_upload_is_playable_before_its_last_byte_then_ready_and_plays_to_the_end(string container)
    {
        var bytes = await SourceAsync(container);
        var client = new HeldUploadStream(bytes, holdAt: bytes.Length * 6 / 10);
        var title = $"held {container} {Guid.NewGuid():N}";
        using var chunks = new ChunkWorkSpans();
        var upload = PostAsync(Node, client, title);
        var id = await FindByTitleAsync(Node, title, upload);

        var playable = await Node.WaitForAsync(id, video => video.Playable || video.Status == "failed");
        var sentWhenPlayable = client.Sent;
        var firstSegment = playable.Playable ? await FirstSegmentAsync(Node, id) : [];
        var sentWhenFetched = client.Sent;
        client.Release();

        Assert.True(playable.Playable, $"{container}: {playable.Status} {playable.Error}");
        Assert.Equal("uploading", playable.Status);
        Assert.True(sentWhenPlayable < client.Total, $"playable after {sentWhenPlayable} of {client.Total} bytes");
        Assert.True(sentWhenFetched < client.Total && firstSegment.Length > 0, "a player fetches the first segment while the upload is held");
        using (var response = await upload)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(id, (await response.Content.ReadFromJsonAsync<Abstractions.Wire.VideoResponse>())!.Id);
        }
        var ready = await Node.WaitForReadyAsync(id);
        Assert.Equal("ready", ready.Status);
        Assert.True(ready.Progressive is { Used: true }, "the details say it was encoded while uploading");
        Assert.Equal(Clip.DurationSeconds, ready.DurationSeconds!.Value, 0.2);
        await AssertPlaysToTheEndAsync(Node, id);
        // The fast start encoded while uploading is not scheduled again once the whole source is stored.
        var byChunk = chunks.ItemsByChunk(id);
        Assert.NotEmpty(byChunk);
        Assert.All(byChunk, pair => Assert.True(pair.Value.Length == 1, $"{pair.Key} was encoded by items {string.Join(", ", pair.Value)}"));
        // The final probe of the stored source does not take CPU from the fast start: it starts once that has ended.
        var fastStart = chunks.Of(id).Where(chunk => chunk is { FirstSegment: 0, SegmentCount: 1 } && !chunk.Rungs.Contains(',')).MinBy(chunk => chunk.Started)!;
        var probes = chunks.ProbeStarts(id);
        Assert.True(probes.Count >= 2, $"{probes.Count} probe(s): the head's and the stored source's");
        Assert.True(probes[^1] >= fastStart.Encoded, $"final probe at {probes[^1]:HH:mm:ss.fff}, fast start's FFmpeg ended {fastStart.Encoded:HH:mm:ss.fff}");
    }

    [Theory]
    [MemberData(nameof(Containers), MemberType = typeof(HeldUploads))]
    public async Task A_tus_upload_is_playable_before_its_last_patch_then_ready_and_plays_to_the_end(string container)
    {
        var bytes = await SourceAsync(container);
        var title = $"tus {container} {Guid.NewGuid():N}";
        var url = await CreateAsync(Node.Http, bytes.Length, Metadata(("title", title)));
        const int piece = 128 * 1024;
        var holdAt = bytes.Length * 6 / 10;
        long sent = 0;
        string? namedByPatch = null;
        while (sent < holdAt)
        {
            var next = bytes.AsSpan((int)sent, (int)Math.Min(piece, holdAt - sent)).ToArray();
            using var patch = await SendPatchAsync(Node.Http, url, sent, next);
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
            namedByPatch = patch.Headers.TryGetValues("Streamio-Video-Id", out var named) ? named.Single() : null;
            sent += next.Length;
        }
        var upload = (await Node.Http.GetFromJsonAsync<TusUploadResponse>(url))!;
        Assert.NotNull(upload.VideoId);
        Assert.Equal(upload.VideoId, namedByPatch);

        var playable = await Node.WaitForAsync(upload.VideoId!, video => video.Playable || video.Status == "failed");

        Assert.True(playable.Playable, $"{container}: {playable.Status} {playable.Error}");
        Assert.Equal("uploading", playable.Status);
        Assert.True(sent < bytes.Length, $"playable after {sent} of {bytes.Length} bytes");
        using (var last = await SendPatchAsync(Node.Http, url, sent, bytes[(int)sent..]))
        {
            Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        }
        var ready = await Node.WaitForReadyAsync(upload.VideoId!);
        Assert.Equal("ready", ready.Status);
        Assert.Equal(title, ready.Title);
        Assert.True(ready.Progressive is { Used: true });
        await AssertPlaysToTheEndAsync(Node, ready.Id);
    }

    [Fact]
    public async Task Abandoning_a_video_that_is_not_uploading_changes_nothing()
    {
        var ready = await fixture.ReadyVideoAsync();

        Assert.False(await Node.Services.GetRequiredService<ProgressiveIntake>().AbandonAsync("default", ready.Id, "a stray abandon"));
        Assert.Equal("ready", (await Node.GetVideoAsync(ready.Id)).Status);
    }

    [Fact]
    public async Task An_mp4_with_its_index_at_the_end_is_encoded_after_the_upload_and_says_why()
    {
        var bytes = await SourceAsync("mp4-moov-at-end");
        var client = new HeldUploadStream(bytes, holdAt: bytes.Length / 2);
        var title = $"moov at the end {Guid.NewGuid():N}";
        var upload = PostAsync(Node, client, title);
        await client.Held;
        var listed = await Node.Http.GetFromJsonAsync<Abstractions.Wire.VideoPage>("/v1/videos?limit=20");
        client.Release();

        Assert.DoesNotContain(listed!.Items, video => video.Title == title);
        using var response = await upload;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var video = (await response.Content.ReadFromJsonAsync<Abstractions.Wire.VideoResponse>())!;
        Assert.Equal(false, video.Progressive?.Used);
        Assert.Equal("the MP4's index (moov) is at the end of the file", video.Progressive!.Reason);
        Assert.Equal("the MP4's index (moov) is at the end of the file", (await Node.GetVideoAsync(video.Id)).Progressive?.Reason);
    }

    [Fact]
    public async Task A_multipart_upload_that_breaks_off_stops_its_encoding_and_leaves_no_video_and_no_object()
    {
        var bytes = await SourceAsync("mkv");
        var client = new HeldUploadStream(bytes, holdAt: bytes.Length * 6 / 10);
        var title = $"broken off {Guid.NewGuid():N}";
        var upload = PostAsync(Node, client, title);
        var id = await FindByTitleAsync(Node, title, upload);
        // Encoding has published segments (objects exist) by the time the client vanishes.
        Assert.True((await Node.WaitForAsync(id, video => video.Playable || video.Status == "failed")).Playable);

        client.BreakOff();
        await Assert.ThrowsAnyAsync<Exception>(async () => (await upload).EnsureSuccessStatusCode());

        await AssertGoneAsync(Node, id);
    }
}
