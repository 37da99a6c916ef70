using System.CommandLine;
using System.Text.Json.Nodes;
using Streamio.Cli.Output;
using Streamio.Cli.Uploads;
using Streamio.Cli.Watching;

namespace Streamio.Cli.Commands;

/// <summary>
/// `streamio upload FILE…`: each file goes up with tus (resuming an earlier interrupted upload of it), then the encode
/// is followed live until the video is playable (default), ready (`--wait ready`, `--watch`) or not at all.
/// </summary>
public static class UploadCommand
{
    public static Command Create(CliConsole console)
    {
        var files = new Argument<FileInfo[]>("FILE") { Description = "Video files to upload, one after another", Arity = ArgumentArity.OneOrMore };
        var title = new Option<string?>("--title", "-t") { Description = "The video's title (one file only; default: the file name)" };
        var wait = new Option<string>("--wait")
        {
            Description = "Follow the encode until: none, playable (the stream plays) or ready (every rendition)",
            DefaultValueFactory = _ => "playable",
        }.AcceptOnlyFromAmong("none", "playable", "ready");
        var watch = new Option<bool>("--watch", "-w") { Description = "Show every rendition's progress live until the video is ready" };
        var chunkSize = new Option<string?>("--chunk-size") { Description = "Bytes per PATCH request, e.g. 64M, for proxies that limit request bodies (default: the whole file in one request)" };
        var limitRate = new Option<string?>("--limit-rate") { Description = "Send at most this many bytes per second, e.g. 500K or 2M" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress on stderr" };
        var noLogo = new Option<bool>("--no-logo") { Description = "Leave the project's logo (watermark) out of these videos" };
        var command = new Command("upload", "Upload videos (resumable: run the same command again after an interruption)")
        {
            files, title, wait, watch, chunkSize, limitRate, quiet, noLogo,
        };
        return command.Runs(console, async (context, parse, cancellationToken) =>
        {
            var paths = parse.GetValue(files)!;
            if (paths.Length > 1 && parse.GetValue(title) is not null)
            {
                throw new CliException(ExitCodes.Usage, "--title names one video: upload one file at a time to title each.");
            }
            foreach (var file in paths)
            {
                if (!file.Exists)
                {
                    throw new CliException(ExitCodes.NotFound, $"There is no file '{file.FullName}'.");
                }
            }
            var tuning = new UploadTuning(
                Size(parse.GetValue(chunkSize), "--chunk-size") ?? UploadTuning.WholeFile,
                Size(parse.GetValue(limitRate), "--limit-rate"));
            var target = parse.GetValue(watch) ? WaitTarget.Ready : Enum.Parse<WaitTarget>(parse.GetValue(wait)!, ignoreCase: true);
            var display = ProgressDisplay.For(context.Console, parse.GetValue(quiet));
            var uploader = new Uploader(context.Api, new ResumeStore(context.Settings.ConfigFolder), display, context.Console.Error);
            var watcher = new VideoWatcher(context.Api, context.Console.Error);
            foreach (var file in paths)
            {
                UploadOutcome outcome;
                try
                {
                    outcome = await uploader.UploadAsync(file, parse.GetValue(title), !parse.GetValue(noLogo), tuning, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new CliException(ExitCodes.Interrupted,
                        $"The upload of {file.Name} was interrupted; the server keeps what arrived: run the same command again to resume.");
                }
                var state = target == WaitTarget.None
                    ? await watcher.GetAsync(outcome.VideoId, cancellationToken)
                    : await display.EncodeAsync(outcome.VideoId, parse.GetValue(watch),
                        onUpdate => watcher.WaitAsync(outcome.VideoId, target, onUpdate, cancellationToken));
                Report(context, outcome, state);
            }
        });
    }

    private static long? Size(string? text, string option) => text is null
        ? null
        : Format.ParseSize(text) ?? throw new CliException(ExitCodes.Usage, $"{option} '{text}' is not a size: write bytes, or a number with K, M or G (such as 8M).");

    /// <summary>One JSON object per file with --json (a line each: NDJSON); one line per file otherwise.</summary>
    private static void Report(CliContext context, UploadOutcome outcome, VideoState state)
    {
        var seconds = Math.Max(outcome.Elapsed.TotalSeconds, 0.001);
        if (context.Json)
        {
            context.Out.WriteLine(new JsonObject
            {
                ["file"] = outcome.File,
                ["uploadUrl"] = outcome.UploadUrl.AbsoluteUri,
                ["videoId"] = outcome.VideoId,
                ["bytes"] = outcome.Bytes,
                ["resumedFrom"] = outcome.ResumedFrom,
                ["bytesSent"] = outcome.BytesSent,
                ["seconds"] = Math.Round(seconds, 3),
                ["bytesPerSecond"] = Math.Round(outcome.BytesSent / seconds),
                ["video"] = CliContext.Parse(state.Json),
            }.ToJsonString(CliContext.Compact));
            return;
        }
        var resumed = outcome.ResumedFrom > 0 ? $", resumed at {Format.Bytes(outcome.ResumedFrom)}" : "";
        context.Out.WriteLine(
            $"{outcome.VideoId}  {state.Video.Status}{(state.Video.Playable && !state.Video.IsReady ? " (playable)" : "")}  " +
            $"{Path.GetFileName(outcome.File)}: {Format.Bytes(outcome.BytesSent)} sent in {Format.Duration(outcome.Elapsed)} ({Format.Bytes(outcome.BytesSent / seconds)}/s{resumed})");
    }
}
