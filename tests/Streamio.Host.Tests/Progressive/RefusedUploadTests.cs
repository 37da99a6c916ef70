using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Uploads.Tus;
using static Streamio.Host.Tests.Progressive.HeldUploads;
using static Streamio.Host.Tests.Tus.TusRequests;

namespace Streamio.Host.Tests.Progressive;

/// <summary>A node with a small upload limit and uploads that expire in seconds (its sweeper is run by hand).</summary>
public sealed class SmallLimitNodeFixture : IAsyncLifetime
{
    public const long Limit = 4 * 1024 * 1024;

    public StreamioNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await StreamioNode.StartAsync(settings =>
    {
        settings["Streamio:MaxUploadBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Streamio:Tus:ExpirationSeconds"] = "3";
        settings["Streamio:Tus:SweepIntervalSeconds"] = "3600";
    });

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>
/// Uploads refused after their video began encoding: over the size limit (413), or a tus upload left to expire. The
/// encode stops and the video and every object of it are removed (the video answers 404).
/// </summary>
public sealed class RefusedUploadTests(SmallLimitNodeFixture fixture) : IClassFixture<SmallLimitNodeFixture>
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task An_upload_that_grows_past_the_limit_answers_413_and_its_video_and_objects_are_removed()
    {
        var clip = await SourceAsync("mkv");
        Assert.True(clip.Length < SmallLimitNodeFixture.Limit, "the clip itself fits");
        // The clip, then zeros past the limit: its head starts the video; the rest is refused.
        var bytes = new byte[SmallLimitNodeFixture.Limit + 512 * 1024];
        clip.CopyTo(bytes, 0);
        var client = new HeldUploadStream(bytes, holdAt: clip.Length * 6 / 10);
        var title = $"too large {Guid.NewGuid():N}";
        var upload = PostAsync(Node, client, title);
        var id = await FindByTitleAsync(Node, title, upload);
        Assert.Equal("uploading", (await Node.GetVideoAsync(id)).Status);

        client.Release();
        using (var response = await upload)
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        await AssertGoneAsync(Node, id);
    }

    [Fact]
    public async Task A_tus_upload_left_to_expire_stops_its_encoding_and_leaves_no_video_and_no_object()
    {
        var bytes = await SourceAsync("mkv");
        var title = $"expires {Guid.NewGuid():N}";
        var url = await CreateAsync(Node.Http, bytes.Length, Metadata(("title", title)));
        var head = bytes[..(bytes.Length * 6 / 10)];
        using (var patch = await SendPatchAsync(Node.Http, url, 0, head))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }
        var id = await FindByTitleAsync(Node, title);

        var status = HttpStatusCode.OK;
        for (var i = 0; i < 600 && status != HttpStatusCode.Gone; i++)
        {
            await Task.Delay(100);
            using var response = await HeadAsync(Node.Http, url);
            status = response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Equal(1, await Node.Services.GetRequiredService<TusSweeper>().SweepAsync(CancellationToken.None));

        await AssertGoneAsync(Node, id);
    }
}
