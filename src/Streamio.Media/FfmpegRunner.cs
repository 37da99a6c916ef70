using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Streamio.Media.Processes;

namespace Streamio.Media;

/// <summary>
/// Runs FFmpeg and ffprobe through the <see cref="IProcessRunner"/> with Streamio's policy: low priority, "q" as the
/// graceful stop, and <see cref="MediaToolException"/> (with the stderr tail) for any failure. Every run is a span
/// ("ffmpeg chunk", "ffprobe", …) with its exit code and, for encodes, its speed.
/// </summary>
public sealed class FfmpegRunner(IProcessRunner runner, IOptions<FfmpegOptions> options)
{
    private readonly FfmpegOptions _options = options.Value;

    /// <summary>Runs FFmpeg; throws <see cref="MediaToolException"/> on a non-zero exit or timeout.</summary>
    public async Task<ProcessRunResult> RunFfmpegAsync(
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        Action<FfmpegProgress>? onProgress,
        CancellationToken cancellationToken,
        Action<string>? onStderrLine = null,
        FfmpegTask? task = null,
        Func<Stream, CancellationToken, Task>? standardInput = null,
        bool urgent = false,
        Action<int>? onStarted = null)
    {
        var request = new ProcessRunRequest(_options.FfmpegPath, arguments)
        {
            Timeout = timeout,
            // Urgent work is what a viewer waits for (the fast start, a live encode, a frame): it may compete with the API.
            LowPriority = _options.LowPriority && !urgent,
            // Stdin is the input when fed (a live publisher's bytes); the stop is then SIGTERM, which FFmpeg finishes on too.
            QuitCommand = standardInput is null ? "q" : null,
            StandardInput = standardInput,
            GracePeriod = _options.GracefulStopTimeout,
            // Always parsed, never captured: FFmpeg's stdout is only ever -progress output.
            OnProgress = onProgress ?? (_ => { }),
            OnStderrLine = onStderrLine,
            OnStarted = onStarted,
        };
        var result = await StartAsync(request, task, cancellationToken).ConfigureAwait(false);
        if (result.TimedOut)
        {
            throw new MediaToolException($"ffmpeg timed out after {timeout} and was stopped.", result.StderrTail);
        }

        if (result.ExitCode != 0)
        {
            throw new MediaToolException($"ffmpeg failed with exit code {result.ExitCode}: {Summary(result.StderrTail)}", result.StderrTail);
        }

        return result;
    }

    /// <summary>Runs ffprobe and returns the result whatever the exit code: a failed probe usually means a refused input.</summary>
    public async Task<ProcessRunResult> RunFfprobeAsync(
        IReadOnlyList<string> arguments, CancellationToken cancellationToken, Func<Stream, CancellationToken, Task>? standardInput = null)
    {
        var request = new ProcessRunRequest(_options.FfprobePath, arguments)
        {
            StandardInput = standardInput,
            Timeout = _options.ProbeTimeout,
            // A probe is short (about 0.1 s of CPU) and gates all the work after it, the fast start first: normal priority.
            LowPriority = false,
            GracePeriod = _options.GracefulStopTimeout,
        };
        var result = await StartAsync(request, task: null, cancellationToken).ConfigureAwait(false);
        return result.TimedOut
            ? throw new MediaToolException($"ffprobe timed out after {_options.ProbeTimeout} and was stopped.", result.StderrTail)
            : result;
    }

    private async Task<ProcessRunResult> StartAsync(ProcessRunRequest request, FfmpegTask? task, CancellationToken cancellationToken)
    {
        using var span = FfmpegRunTelemetry.Start(Path.GetFileName(request.FileName), task);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await runner.RunAsync(request, cancellationToken).ConfigureAwait(false);
            FfmpegRunTelemetry.Ended(span, task, result, Stopwatch.GetElapsedTime(started));
            return result;
        }
        // Marks the span and lets the exception through to the handlers below (the filter is always false).
        catch (Exception e) when (span is not null && FailSpan(span, e))
        {
            throw;
        }
        catch (Win32Exception e)
        {
            throw new MediaToolException(
                $"Cannot start '{request.FileName}' ({e.Message}): install it (apt-get install ffmpeg) or set {FfmpegOptions.SectionName} paths.",
                string.Empty);
        }
        catch (InvalidOperationException e)
        {
            throw new MediaToolException(e.Message, string.Empty);
        }
    }

    private static bool FailSpan(Activity span, Exception error)
    {
        FfmpegRunTelemetry.Failed(span, error);
        return false;
    }

    /// <summary>The line of a stderr tail that says what went wrong: the last one that is not a generic sign-off.</summary>
    public static string Summary(string tail)
    {
        string[] generic = ["Conversion failed!", "Exiting normally", "Error while processing the decoded data", "Failed to inject frame", "Error reinitializing filters"];
        var lines = tail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.LastOrDefault(l => !generic.Any(g => l.StartsWith(g, StringComparison.Ordinal))) ?? lines.LastOrDefault() ?? string.Empty;
    }
}
