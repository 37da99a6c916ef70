using System.Text.Json;
using System.Text.Json.Serialization;
namespace Streamio.Cli.Api;

/// <summary>
/// The API's JSON (camelCase), source-generated so the tool needs no reflection to read it.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
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
[JsonSerializable(typeof(LiveStream))]
[JsonSerializable(typeof(ItemList<LiveStream>))]
[JsonSerializable(typeof(LivePlayback))]
public sealed partial class ApiJson : JsonSerializerContext;
