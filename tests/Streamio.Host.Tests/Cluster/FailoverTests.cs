using System.Net;
using Streamio.Grains.Work;
using Streamio.Testing;

namespace Streamio.Host.Tests.Cluster;

/// <summary>Lost silos, poisoned inputs and restarts of the API node or the database: no work is lost or done twice.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_silo_killed_mid_chunk_has_the_chunk_redone_elsewhere_and_the_video_is_whole()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var (api, doomed, id, chunk, _) = await rig.StartEncodingAsync();
        await doomed.KillAsync();
        // Killed mid-chunk: the item is still leased to the dead silo, and nobody else is running.
        var orphan = Assert.Single(await rig.Backbone.ListGroupAsync(id, CancellationToken.None), item => item.Id == chunk.Id);
        Assert.Contains(ClusterRig.SiloIdPart(doomed), orphan.LeaseOwner, StringComparison.Ordinal);

        var survivor = await rig.StartAsync("silo");
        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => survivor.RecentOutput);
        Assert.True(video.Status == "ready", $"status {video.Status}, error {video.Error}\n{survivor.RecentOutput}");
        // The dead silo was reaped from the membership; only the survivor is left.
        var member = Assert.Single(await rig.Backbone.ListAsync(CancellationToken.None));
        Assert.Contains(ClusterRig.SiloIdPart(survivor), member.Id, StringComparison.Ordinal);
        await ClusterRig.AssertWholeAsync(api, id, ClusterRig.Clip);
    }

    [Fact]
    public async Task An_input_whose_samples_are_cut_off_fails_the_video_after_the_bounded_attempts()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        using var scratch = new TempDirectory();
        // A real damaged file: the index (moov, at the front) describes all 8 s, but the sample data stops after a third.
        var whole = scratch.Combine("whole.mp4");
        await FfmpegTools.FfmpegAsync("-hide_banner", "-nostdin", "-y", "-i", await ClipFactory.GetAsync(ClusterRig.Clip), "-c", "copy", "-movflags", "+faststart", whole);
        var bytes = await File.ReadAllBytesAsync(whole);
        var truncated = scratch.Combine("truncated.mp4");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 3)]);

        var api = await rig.StartAsync("api");
        var silo = await rig.StartAsync("silo", settings => settings["Streamio:Encoding:MaxAttempts"] = "2");
        var id = await ClusterRig.UploadAsync(api, truncated);
        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => silo.RecentOutput);

        Assert.Equal("failed", video.Status);
        Assert.NotNull(video.DurationSeconds); // it passed the probe: the failure is the encode's
        Assert.Contains("after 2 attempts", video.Error, StringComparison.Ordinal);
        Assert.Contains("damaged", video.Error, StringComparison.Ordinal);
        // Nothing is left in the queue to retry it forever.
        Assert.DoesNotContain(await rig.Backbone.ListGroupAsync(id, CancellationToken.None), item => item.Kind == WorkKinds.EncodeChunk);
    }

    [Fact]
    public async Task An_api_node_restarted_mid_encode_loses_nothing()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var (api, silo, id, _, _) = await rig.StartEncodingAsync();
        await api.KillAsync();

        var restarted = await rig.StartAsync("api", dataPath: rig.SettingsOf(api)["Streamio:DataPath"]);
        Assert.Equal(HttpStatusCode.OK, (await restarted.Http.GetAsync($"/v1/videos/{id}")).StatusCode);
        var video = await ClusterRig.WaitForFinishedAsync(restarted, id, () => silo.RecentOutput);
        Assert.True(video.Status == "ready", $"status {video.Status}, error {video.Error}\n{silo.RecentOutput}");
        await ClusterRig.AssertWholeAsync(restarted, id, ClusterRig.Clip);
    }

    [Fact]
    public async Task Nodes_reconnect_and_finish_after_PostgreSQL_restarts_mid_encode()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var (api, silo, id, _, _) = await rig.StartEncodingAsync();
        await rig.Server.RestartAsync();

        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => silo.RecentOutput);
        Assert.True(video.Status == "ready", $"status {video.Status}, error {video.Error}\n{silo.RecentOutput}");
        Assert.Single(await rig.Backbone.ListAsync(CancellationToken.None));
        await ClusterRig.AssertWholeAsync(api, id, ClusterRig.Clip);
    }
}
