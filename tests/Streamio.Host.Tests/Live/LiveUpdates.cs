using System.Text.Json.Nodes;
using Streamio.Host.Live;
using Streamio.Testing;

namespace Streamio.Host.Tests.Live;

/// <summary>Reads a hub client's videoUpdated messages for one video until it is ready, checking their order on the way.</summary>
public static class LiveUpdates
{
    private static readonly string[] StatusOrder = ["uploading", "uploaded", "probing", "encoding", "ready"];

    public static async Task<IReadOnlyList<HubMessage>> ReadUntilReadyAsync(HubWatcher client, string videoId, TimeSpan? timeout = null)
    {
        var updates = new List<HubMessage>();
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            var message = await client.NextAsync(VideoHub.VideoUpdated, deadline - DateTimeOffset.UtcNow);
            var video = message.Body;
            if ((string)video["id"]! != videoId)
            {
                continue;
            }
            Assert.NotEqual("failed", (string)video["status"]!);
            updates.Add(message);
            if ((string)video["status"]! == "ready")
            {
                AssertInOrder(updates.Select(update => update.Body).ToList());
                return updates;
            }
        }
    }

    /// <summary>Statuses never go backwards; overall and per-rendition progress never decrease.</summary>
    public static void AssertInOrder(IReadOnlyList<JsonNode> videos)
    {
        for (var index = 1; index < videos.Count; index++)
        {
            var (before, after) = (videos[index - 1], videos[index]);
            var context = $"update {index}: {before.ToJsonString()} then {after.ToJsonString()}";
            Assert.True(Array.IndexOf(StatusOrder, (string)after["status"]!) >= Array.IndexOf(StatusOrder, (string)before["status"]!), context);
            Assert.True((double)after["progress"]! >= (double)before["progress"]!, context);
            foreach (var rendition in after["renditions"]!.AsArray())
            {
                var earlier = before["renditions"]!.AsArray().FirstOrDefault(other => (string)other!["name"]! == (string)rendition!["name"]!);
                Assert.True(earlier is null || (double)rendition!["progress"]! >= (double)earlier["progress"]!, context);
            }
        }
    }
}
