using System.Diagnostics;
using Streamio.Media.Processes;
using Streamio.Telemetry;
using Attributes = Streamio.Telemetry.StreamioTelemetry.Attributes;

namespace Streamio.Media;

/// <summary>
/// What an FFmpeg run is for: <see cref="Task"/> names it in its span ("ffmpeg chunk"); <see cref="MediaSeconds"/>, read
/// once FFmpeg has exited, is how much media it encoded, which makes its speed (x real time).
/// </summary>
public sealed record FfmpegTask(string Task, Func<double?>? MediaSeconds = null);

/// <summary>The span of one FFmpeg or ffprobe run: exit code, pid, speed; and the encode speed histogram.</summary>
internal static class FfmpegRunTelemetry
{
    /// <summary>Tasks whose speed goes into <c>streamio.encode.speed</c>: the encodes, not the image work.</summary>
    private static readonly HashSet<string> Encodes = new(StringComparer.Ordinal) { "chunk", "audio" };

    public static Activity? Start(string tool, FfmpegTask? task)
    {
        var span = StreamioTelemetry.Source.StartActivity(task is null ? tool : $"{tool} {task.Task}");
        if (task is not null)
        {
            span?.SetTag(Attributes.FfmpegTask, task.Task);
        }
        return span;
    }

    public static void Ended(Activity? span, FfmpegTask? task, ProcessRunResult result, TimeSpan elapsed)
    {
        var mediaSeconds = result.Succeeded && task?.MediaSeconds is { } read ? read() : null;
        var speed = mediaSeconds > 0 && elapsed > TimeSpan.Zero ? mediaSeconds.Value / elapsed.TotalSeconds : (double?)null;
        if (speed is { } value && Encodes.Contains(task!.Task))
        {
            StreamioTelemetry.EncodeSpeed.Record(value, new KeyValuePair<string, object?>("task", task.Task));
        }
        if (span is not { IsAllDataRequested: true })
        {
            return;
        }
        span.SetTag(Attributes.ProcessPid, result.ProcessId).SetTag(Attributes.ProcessExitCode, result.ExitCode);
        if (result.TimedOut)
        {
            span.SetTag(Attributes.FfmpegTimedOut, true);
        }
        if (speed is { } measured)
        {
            span.SetTag(Attributes.FfmpegMediaSeconds, Math.Round(mediaSeconds!.Value, 3)).SetTag(Attributes.FfmpegSpeed, Math.Round(measured, 3));
        }
        if (!result.Succeeded)
        {
            span.SetStatus(ActivityStatusCode.Error, result.TimedOut ? "timed out" : $"exit code {result.ExitCode}");
        }
    }

    public static void Failed(Activity? span, Exception error)
    {
        span?.SetStatus(ActivityStatusCode.Error, error.Message);
    }
}
