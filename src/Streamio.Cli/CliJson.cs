using System.Text.Json;
using System.Text.Json.Serialization;
using Streamio.Cli.Api;
using Streamio.Cli.Configuration;
using Streamio.Cli.Uploads;

namespace Streamio.Cli;

/// <summary>
/// JSON as the API speaks it (camelCase), source-generated so the tool needs no reflection to read or write it.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProfileFile))]
[JsonSerializable(typeof(ResumeEntries))]
[JsonSerializable(typeof(Video))]
[JsonSerializable(typeof(VideoPage))]
[JsonSerializable(typeof(Playback))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(ProjectItem))]
[JsonSerializable(typeof(ItemList<ProjectItem>))]
[JsonSerializable(typeof(KeyItem))]
[JsonSerializable(typeof(ItemList<KeyItem>))]
[JsonSerializable(typeof(CreatedKey))]
[JsonSerializable(typeof(WebhookItem))]
[JsonSerializable(typeof(ItemList<WebhookItem>))]
[JsonSerializable(typeof(ItemList<DeliveryItem>))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class CliJson : JsonSerializerContext
{
    public static CliJson Indented { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });
}
