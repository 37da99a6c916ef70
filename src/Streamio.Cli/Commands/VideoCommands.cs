using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Streamio.Cli.Api;
using Streamio.Cli.Output;

namespace Streamio.Cli.Commands;

/// <summary>`ls`, `get`, `play` and `rm`: the videos of the key's project.</summary>
public static class VideoCommands
{
    public static IEnumerable<Command> Create(CliConsole console) => [List(console), Get(console), Play(console), Remove(console)];

    private static Command List(CliConsole console)
    {
        var limit = new Option<int>("--limit", "-n") { Description = "Videos per page (1-100)", DefaultValueFactory = _ => 20 };
        var cursor = new Option<string?>("--cursor") { Description = "The nextCursor of a previous page" };
        var all = new Option<bool>("--all", "-a") { Description = "Every page, not just the first" };
        return new Command("ls", "List videos, newest first") { limit, cursor, all }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var items = new JsonArray();
            var videos = new List<Video>();
            var next = parse.GetValue(cursor);
            do
            {
                var path = $"v1/videos?limit={parse.GetValue(limit)}" + (next is null ? "" : $"&cursor={Uri.EscapeDataString(next)}");
                var page = await context.Api.GetAsync(path, cancellationToken);
                videos.AddRange(page.Read(ApiJson.Default.VideoPage).Items);
                var json = CliContext.Parse(page.Text)!;
                foreach (var item in json["items"]!.AsArray())
                {
                    items.Add(item?.DeepClone());
                }
                next = json["nextCursor"]?.GetValue<string>();
            }
            while (parse.GetValue(all) && next is not null);
            if (context.Json)
            {
                context.WriteJson(new JsonObject { ["items"] = items, ["nextCursor"] = next });
                return;
            }
            var table = new TextTable("ID", "STATUS", "PROGRESS", "DURATION", "SIZE", "CREATED", "TITLE");
            foreach (var video in videos)
            {
                table.Add(video.Id, video.Status, Format.Percent(video.Progress), Format.Seconds(video.DurationSeconds),
                    video.Width is { } width ? $"{width}x{video.Height}" : null, Format.Time(video.CreatedAt), video.Title);
            }
            table.WriteTo(context.Out);
            if (next is not null)
            {
                context.Out.WriteLine($"more: streamio ls --cursor {next}");
            }
        });
    }

    private static Command Get(CliConsole console)
    {
        var id = new Argument<string>("VIDEO_ID") { Description = "The video's id (v_…)" };
        return new Command("get", "Show a video: status, progress and renditions") { id }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var result = await context.Api.GetAsync(VideoPath(parse.GetValue(id)!), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(result.Text);
                return;
            }
            var video = result.Read(ApiJson.Default.Video);
            var output = context.Out;
            output.WriteLine($"id        {video.Id}");
            output.WriteLine($"title     {video.Title ?? "-"}");
            output.WriteLine($"status    {video.Status}{(video.Playable ? " (playable)" : "")}, {Format.Percent(video.Progress)}");
            output.WriteLine($"duration  {Format.Seconds(video.DurationSeconds)}{(video.Width is { } width ? $", {width}x{video.Height}" : "")}");
            output.WriteLine($"created   {Format.Time(video.CreatedAt)} (updated {Format.Time(video.UpdatedAt)})");
            if (video.Error is { } error)
            {
                output.WriteLine($"error     {error}");
            }
            if (video.Renditions is { Count: > 0 } renditions)
            {
                output.WriteLine();
                var table = new TextTable("RENDITION", "SIZE", "KBPS", "STATUS", "PROGRESS");
                foreach (var rendition in renditions)
                {
                    table.Add(rendition.Name, rendition.Width is { } w ? $"{w}x{rendition.Height}" : "audio", rendition.BitrateKbps.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        rendition.Status, Format.Percent(rendition.Progress));
                }
                table.WriteTo(output);
            }
        });
    }

    private static Command Play(CliConsole console)
    {
        var id = new Argument<string>("VIDEO_ID") { Description = "The video's id (v_…)" };
        var ttl = new Option<int?>("--ttl") { Description = "Seconds the signed URL stays valid (default: the server's, 3600)" };
        var viewer = new Option<string?>("--viewer") { Description = "A viewer id signed into the URL" };
        var open = new Option<bool>("--open", "-o") { Description = "Open the URL with the desktop's handler (browser or player)" };
        return new Command("play", "Print a signed playback URL (HLS master playlist) for a video, or open it")
        {
            id, ttl, viewer, open,
        }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["ttlSeconds"] = parse.GetValue(ttl), ["viewer"] = parse.GetValue(viewer) };
            var result = await context.Api.PostAsync($"{VideoPath(parse.GetValue(id)!)}/playback", body.ToJsonString(), cancellationToken);
            var playback = result.Read(ApiJson.Default.Playback);
            if (parse.GetValue(open))
            {
                context.Console.OpenUrl(playback.Url);
            }
            if (context.Json)
            {
                context.WriteJson(result.Text);
                return;
            }
            context.Out.WriteLine(playback.Url);
        });
    }

    private static Command Remove(CliConsole console)
    {
        var ids = new Argument<string[]>("VIDEO_ID") { Description = "Ids of the videos to delete", Arity = ArgumentArity.OneOrMore };
        return new Command("rm", "Delete videos and every object of them") { ids }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var deleted = new JsonArray();
            var missing = new JsonArray();
            foreach (var id in parse.GetValue(ids)!)
            {
                try
                {
                    await context.Api.DeleteAsync(VideoPath(id), cancellationToken);
                    deleted.Add(id);
                    if (!context.Json)
                    {
                        context.Out.WriteLine($"deleted {id}");
                    }
                }
                catch (CliException error) when (error.ExitCode == ExitCodes.NotFound)
                {
                    // Go on with the others; the run still ends with "not found".
                    context.Console.Error.WriteLine($"error: {error.Message}");
                    missing.Add(id);
                }
            }
            if (context.Json)
            {
                context.WriteJson(new JsonObject { ["deleted"] = deleted, ["notFound"] = missing });
            }
            if (missing.Count > 0)
            {
                throw new CliException(ExitCodes.NotFound, $"{missing.Count} of the videos did not exist.", reported: true);
            }
        });
    }

    public static string VideoPath(string id) => $"v1/videos/{Uri.EscapeDataString(id)}";
}
