using System.Net.Http.Json;
using Streamio.Host.Api;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>A server killed mid-encode resumes the unfinished work when it starts again, and the result is whole.</summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task A_server_killed_mid_encode_finishes_the_video_after_a_restart()
    {
        using var data = new TempDirectory();
        var settings = StreamioNode.DefaultSettings(data.Path);
        var spec = new ClipSpec(DurationSeconds: 30, Width: 854, Height: 480, Gop: 30);
        var clip = await ClipFactory.GetAsync(spec);

        string id;
        await using (var first = await StreamioProcess.StartAsync(settings))
        {
            using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(clip)), "file", "clip.mp4" } };
            using var response = await first.Http.PostAsync("/v1/videos", form);
            response.EnsureSuccessStatusCode();
            id = (await response.Content.ReadFromJsonAsync<VideoResponse>())!.Id;

            // Kill it once some, but not all, of the ladder is done.
            VideoResponse video;
            do
            {
                await Task.Delay(100);
                video = (await first.Http.GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!;
            } while (video.Status != "failed" && video.Progress < 0.15);
            Assert.Equal("encoding", video.Status);
            Assert.True(video.Progress < 1, "the video finished before the kill; use a longer clip");
            await first.KillAsync();
        }

        await using var second = await StreamioProcess.StartAsync(settings);
        VideoResponse final;
        var waited = 0;
        do
        {
            await Task.Delay(200);
            final = (await second.Http.GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!;
        } while (final.Status is not ("ready" or "failed") && ++waited < 900);
        Assert.True(final.Status == "ready", $"status {final.Status}, error {final.Error}\n{second.RecentOutput}");

        using var playback = await second.Http.PostAsJsonAsync($"/v1/videos/{id}/playback", new { });
        var url = (await playback.Content.ReadFromJsonAsync<PlaybackResponse>())!.Url;
        for (var rendition = 0; rendition < 3; rendition++)
        {
            var frames = await MediaInspector.CountFramesAsync(url, $"v:{rendition}");
            Assert.InRange(frames, spec.FrameCount - 1, spec.FrameCount + 1);
        }
    }
}
