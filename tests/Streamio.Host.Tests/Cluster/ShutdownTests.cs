using Npgsql;
using Streamio.Testing;

namespace Streamio.Host.Tests.Cluster;

/// <summary>SIGTERM to a silo: it stops claiming, then finishes its chunk within the grace period or hands it back at once.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ShutdownTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_silo_stopped_with_a_long_grace_finishes_its_chunk_and_leaves()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var (api, silo, id, chunk, _) = await rig.StartEncodingAsync(settings => settings["Streamio:Silo:ShutdownGraceSeconds"] = "120");

        await silo.TerminateAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(0, silo.ExitCode);
        Assert.DoesNotContain("handing back", silo.RecentOutput, StringComparison.OrdinalIgnoreCase);
        var left = await rig.Backbone.ListGroupAsync(id, CancellationToken.None);
        Assert.DoesNotContain(left, item => item.Id == chunk.Id); // completed, not handed back
        Assert.DoesNotContain(left, item => item.LeaseOwner is not null); // it claimed nothing more
        Assert.Empty(await rig.Backbone.ListAsync(CancellationToken.None)); // it left the membership

        // The rest of the video is still there for the next silo.
        var next = await rig.StartAsync("silo");
        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => next.RecentOutput);
        Assert.Equal("ready", video.Status);
        await ClusterRig.AssertWholeAsync(api, id, ClusterRig.Clip);
    }

    [Fact]
    public async Task A_silo_stopped_with_a_tiny_grace_stops_ffmpeg_and_hands_the_chunk_back_at_once()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var (_, silo, _, chunk, ffmpeg) = await rig.StartEncodingAsync(settings =>
        {
            settings["Streamio:Silo:ShutdownGraceSeconds"] = "0";
            settings["Streamio:Silo:LeaseSeconds"] = "600"; // were the lease left behind, it would block the chunk for 10 minutes
        });

        await silo.TerminateAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(0, silo.ExitCode);
        Assert.DoesNotContain(ffmpeg, ClusterRig.IsAlive);
        Assert.Empty(await rig.Backbone.ListAsync(CancellationToken.None));
        var row = await WorkRowAsync(rig.ConnectionString, chunk.Id);
        Assert.Equal("queued", row.Status);
        Assert.Null(row.LeaseOwner);
        Assert.Equal(chunk.Attempts - 1, row.Attempts); // handing back does not count as an attempt
        Assert.True(row.NotBefore <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "the chunk is not claimable at once");

        // And a claimer gets it now (taking the queue in order, as silos do), not when the 10-minute lease would have ended.
        var claimed = new List<long>();
        while (await rig.Backbone.TryClaimAsync("test-claimer", TimeSpan.FromMinutes(1), CancellationToken.None) is { } lease)
        {
            claimed.Add(lease.WorkId);
        }
        Assert.Contains(chunk.Id, claimed);
    }

    private static async Task<(string Status, string? LeaseOwner, int Attempts, long NotBefore)> WorkRowAsync(string connectionString, long id)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status, lease_owner, attempts, not_before FROM work WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"work item {id} is gone");
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3));
    }
}
