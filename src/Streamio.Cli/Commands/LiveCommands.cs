using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Streamio.Cli.Api;
using Streamio.Cli.Output;

namespace Streamio.Cli.Commands;

/// <summary>`live create|ls|get|rm|reset-key|play`: the key's project's live streams.</summary>
public static class LiveCommands
{
    public static Command Create(CliConsole console) =>
        new("live", "Live streams of the key's project: publish to their RTMP or SRT URL, play them while live")
        {
            New(console), List(console), Get(console), Remove(console), ResetKey(console), Play(console),
        };

    private static Command New(CliConsole console)
    {
        var title = new Option<string?>("--title", "-t") { Description = "The stream's title (at most 200 characters)" };
        var dvr = new Option<int?>("--dvr-window") { Description = "Seconds viewers can rewind, 60-21600 (default: the server's, 1800)" };
        var noRecord = new Option<bool>("--no-record") { Description = "Do not keep each broadcast as a video" };
        return new Command("create", "Create a live stream and print where to publish (server URL and stream key, SRT URL)")
        {
            title, dvr, noRecord,
        }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["title"] = parse.GetValue(title), ["dvrWindowSeconds"] = parse.GetValue(dvr), ["record"] = !parse.GetValue(noRecord) };
            context.Print(await context.Api.PostAsync("v1/live-streams", body.ToJsonString(), cancellationToken), result =>
            {
                Describe(context, result);
                context.Console.Error.WriteLine("Keep the stream key secret: whoever has it can broadcast. In OBS: Settings > Stream > Service \"Custom\", then Server and Stream Key as above.");
            });
        });
    }

    private static Command List(CliConsole console) =>
        new Command("ls", "List live streams, newest first").Runs(console, async (context, parse, cancellationToken) =>
            context.Print(await context.Api.GetAsync("v1/live-streams", cancellationToken), result =>
            {
                var table = new TextTable("ID", "STATUS", "LATENCY", "DVR", "RECORD", "CREATED", "TITLE");
                foreach (var stream in result.Read(ApiJson.Default.ItemListLiveStream).Items)
                {
                    table.Add(stream.Id, stream.Status, Latency(stream), Format.Seconds(stream.DvrWindowSeconds), stream.Record ? "yes" : "no",
                        Format.Time(stream.CreatedAt), stream.Title);
                }
                table.WriteTo(context.Out);
            }));

    private static Command Get(CliConsole console)
    {
        var id = IdArgument();
        return new Command("get", "Show a live stream: status, latency, publish URLs and recordings") { id }.Runs(console, async (context, parse, cancellationToken) =>
            context.Print(await context.Api.GetAsync(LivePath(parse.GetValue(id)!), cancellationToken), result => Describe(context, result)));
    }

    private static Command ResetKey(CliConsole console)
    {
        var id = IdArgument();
        return new Command("reset-key", "Issue a new stream key (the old one stops working and its publisher is cut off)") { id }
            .Runs(console, async (context, parse, cancellationToken) =>
                context.Print(await context.Api.PostAsync($"{LivePath(parse.GetValue(id)!)}/reset-key", null, cancellationToken), result => Describe(context, result)));
    }

    private static Command Remove(CliConsole console)
    {
        var id = IdArgument();
        return new Command("rm", "Delete a live stream (a broadcast ends; its recordings stay as videos)") { id }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var liveStreamId = parse.GetValue(id)!;
            await context.Api.DeleteAsync(LivePath(liveStreamId), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(new JsonObject { ["deleted"] = liveStreamId });
            }
            else
            {
                context.Out.WriteLine($"deleted {liveStreamId}");
            }
        });
    }

    private static Command Play(CliConsole console)
    {
        var id = IdArgument();
        var ttl = new Option<int?>("--ttl") { Description = "Seconds the signed URL stays valid (default: the server's, 3600)" };
        var viewer = new Option<string?>("--viewer") { Description = "A viewer id signed into the URL" };
        var open = new Option<bool>("--open", "-o") { Description = "Open the URL with the desktop's handler (browser or player)" };
        return new Command("play", "Print a signed URL of the live master playlist (HLS with the DVR window), or open it")
        {
            id, ttl, viewer, open,
        }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["ttlSeconds"] = parse.GetValue(ttl), ["viewer"] = parse.GetValue(viewer) };
            var result = await context.Api.PostAsync($"{LivePath(parse.GetValue(id)!)}/playback", body.ToJsonString(), cancellationToken);
            var playback = result.Read(ApiJson.Default.LivePlayback);
            if (parse.GetValue(open))
            {
                context.Console.OpenUrl(playback.Url);
            }
            context.Print(result, _ => context.Out.WriteLine(playback.Url));
        });
    }

    private static void Describe(CliContext context, ApiResult result)
    {
        var stream = result.Read(ApiJson.Default.LiveStream);
        var output = context.Out;
        output.WriteLine($"id          {stream.Id}");
        output.WriteLine($"title       {stream.Title ?? "-"}");
        output.WriteLine($"status      {stream.Status}");
        output.WriteLine($"latency     {Latency(stream)}");
        output.WriteLine($"dvr window  {Format.Seconds(stream.DvrWindowSeconds)}, recording {(stream.Record ? "on" : "off")}");
        output.WriteLine($"created     {Format.Time(stream.CreatedAt)}");
        output.WriteLine();
        output.WriteLine($"server      {stream.RtmpUrl}");
        output.WriteLine($"stream key  {stream.StreamKey}");
        output.WriteLine($"srt         {stream.SrtUrl}");
        if (stream.RecordingVideoIds.Count > 0)
        {
            output.WriteLine($"recordings  {string.Join(", ", stream.RecordingVideoIds)}");
        }
    }

    private static string Latency(LiveStream stream) =>
        stream.Session?.LatencySeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0}s") : "-";

    private static Argument<string> IdArgument() => new("LIVE_STREAM_ID") { Description = "The live stream's id (ls_…)" };

    private static string LivePath(string id) => $"v1/live-streams/{Uri.EscapeDataString(id)}";
}
