using System.Diagnostics;
using Spectre.Console;
using Streamio.Cli.Api;

namespace Streamio.Cli.Output;

/// <summary>
/// How an upload and the encode after it are shown on stderr (stdout stays for the result, which `--json` makes a JSON
/// document): a live bar on a terminal, plain lines in a pipe or a log, nothing with `--quiet`.
/// </summary>
public abstract class ProgressDisplay
{
    public static ProgressDisplay For(CliConsole console, bool quiet) =>
        quiet ? new QuietDisplay() : console.ErrorIsTerminal ? new TerminalDisplay(console.Error) : new PlainDisplay(console.Error);

    /// <summary>Runs <paramref name="work"/>, which reports the file position, under a bar of <paramref name="total"/> bytes.</summary>
    public abstract Task<T> UploadAsync<T>(string label, long total, long start, Func<IProgress<long>, Task<T>> work);

    /// <summary>Runs <paramref name="work"/>, which reports each state of the video as it arrives.</summary>
    public abstract Task<T> EncodeAsync<T>(string label, bool perRendition, Func<Action<Video>, Task<T>> work);

    /// <summary>One line about the video: overall progress, playable, and each rendition's share.</summary>
    protected static string Describe(Video video)
    {
        var renditions = video.Renditions is { Count: > 0 } list ? $" ({string.Join(", ", list.Select(r => $"{r.Name} {Format.Percent(r.Progress)}"))})" : "";
        var playable = video.Playable && !video.IsReady ? ", playable" : "";
        return $"{video.Status} {Format.Percent(video.Progress)}{playable}{renditions}";
    }

    /// <summary>Reports straight to the display, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    protected sealed class DirectProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private sealed class QuietDisplay : ProgressDisplay
    {
        public override Task<T> UploadAsync<T>(string label, long total, long start, Func<IProgress<long>, Task<T>> work) =>
            work(new DirectProgress<long>(_ => { }));

        public override Task<T> EncodeAsync<T>(string label, bool perRendition, Func<Action<Video>, Task<T>> work) => work(_ => { });
    }

    /// <summary>A line at most every second (and the last one), with the rate since this run started and the time left.</summary>
    private sealed class PlainDisplay(TextWriter error) : ProgressDisplay
    {
        private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

        public override async Task<T> UploadAsync<T>(string label, long total, long start, Func<IProgress<long>, Task<T>> work)
        {
            var clock = Stopwatch.StartNew();
            var lastLine = TimeSpan.Zero;
            var position = start;
            error.WriteLine(start > 0
                ? $"upload {label}: resuming at {Format.Bytes(start)} of {Format.Bytes(total)}"
                : $"upload {label}: {Format.Bytes(total)}");
            void Line()
            {
                var elapsed = clock.Elapsed.TotalSeconds;
                var rate = elapsed > 0 ? (position - start) / elapsed : 0;
                var left = rate > 0 ? $", {Format.Duration(TimeSpan.FromSeconds((total - position) / rate))} left" : "";
                error.WriteLine($"upload {label}: {Format.Bytes(position)} / {Format.Bytes(total)} ({Format.Percent((double)position / total)}), {Format.Bytes(rate)}/s{left}");
            }
            var result = await work(new DirectProgress<long>(value =>
            {
                position = value;
                if (clock.Elapsed - lastLine >= Every && position < total)
                {
                    lastLine = clock.Elapsed;
                    Line();
                }
            }));
            Line();
            return result;
        }

        public override Task<T> EncodeAsync<T>(string label, bool perRendition, Func<Action<Video>, Task<T>> work)
        {
            string? last = null;
            return work(video =>
            {
                var line = $"video {label}: {Describe(video)}";
                if (line != last)
                {
                    error.WriteLine(line);
                    last = line;
                }
            });
        }
    }

    /// <summary>Spectre.Console's live progress bars: bytes, speed and time left; then the encode, per rendition with --watch.</summary>
    private sealed class TerminalDisplay(TextWriter error) : ProgressDisplay
    {
        private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
        });

        public override Task<T> UploadAsync<T>(string label, long total, long start, Func<IProgress<long>, Task<T>> work) =>
            _console.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                    new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(start > 0 ? $"{label} (resumed)" : label), autoStart: false, maxValue: total);
                    // The bytes already on the server count as done, not as speed.
                    task.Value = start;
                    task.StartTask();
                    var result = await work(new DirectProgress<long>(value => task.Value = value));
                    task.StopTask();
                    return result;
                });

        public override Task<T> EncodeAsync<T>(string label, bool perRendition, Func<Action<Video>, Task<T>> work) =>
            _console.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var overall = context.AddTask(Markup.Escape(label), maxValue: 1);
                    var renditions = new Dictionary<string, ProgressTask>();
                    var result = await work(video =>
                    {
                        overall.Description = Markup.Escape($"{label} {video.Status}{(video.Playable && !video.IsReady ? " (playable)" : "")}");
                        overall.Value = video.IsReady ? 1 : video.Progress;
                        foreach (var rendition in perRendition ? video.Renditions ?? [] : [])
                        {
                            if (!renditions.TryGetValue(rendition.Name, out var task))
                            {
                                renditions[rendition.Name] = task = context.AddTask(Markup.Escape($"  {rendition.Name}"), maxValue: 1);
                            }
                            task.Value = rendition.Progress;
                        }
                    });
                    foreach (var task in renditions.Values.Append(overall))
                    {
                        task.StopTask();
                    }
                    return result;
                });
    }
}
