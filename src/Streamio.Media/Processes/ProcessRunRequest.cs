namespace Streamio.Media.Processes;

/// <summary>One run of an external tool. Arguments are a list, passed verbatim: nothing is ever joined or re-split.</summary>
public sealed record ProcessRunRequest(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Stop the tool (gracefully, then hard) and report <see cref="ProcessRunResult.TimedOut"/> after this long.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Start the tool below normal priority.</summary>
    public bool LowPriority { get; init; }

    /// <summary>Written to stdin to ask the tool to finish on its own (FFmpeg: "q"); null goes straight to SIGTERM.</summary>
    public string? QuitCommand { get; init; }

    /// <summary>
    /// When set, writes the tool's stdin (FFmpeg reading <c>pipe:0</c>); stdin is closed when it returns, so the tool sees
    /// the end of its input. It is cancelled once the tool exits. Such a run has no stdin left for a quit command, so
    /// <see cref="QuitCommand"/> must be null: a stop goes to SIGTERM, which FFmpeg also takes as "finish cleanly".
    /// </summary>
    public Func<Stream, CancellationToken, Task>? StandardInput { get; init; }

    /// <summary>How long each stop step ("quit", SIGTERM) may take before the next one.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>When set, stdout is read as FFmpeg <c>-progress</c> key=value blocks instead of being captured.</summary>
    public Action<FfmpegProgress>? OnProgress { get; init; }

    /// <summary>Called with the process id right after the tool started.</summary>
    public Action<int>? OnStarted { get; init; }

    /// <summary>Called for every stderr line (after it is logged and kept in the tail).</summary>
    public Action<string>? OnStderrLine { get; init; }

    /// <summary>Largest stdout kept, in characters (ffprobe JSON); more fails the run rather than eating memory.</summary>
    public int MaxStdoutChars { get; init; } = 8 * 1024 * 1024;

    /// <summary>How many of the last stderr lines the result keeps.</summary>
    public int StderrTailLines { get; init; } = 40;
}

/// <summary>How a run ended. <see cref="TimedOut"/> runs were stopped by the runner; their exit code is whatever the stop produced.</summary>
public sealed record ProcessRunResult(int ProcessId, int ExitCode, string StandardOutput, string StderrTail, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>One FFmpeg <c>-progress</c> report: how far the output has got, and whether this is the last one.</summary>
public sealed record FfmpegProgress(TimeSpan OutTime, long? Frame, bool Ended);

public interface IProcessRunner
{
    /// <summary>
    /// Runs the tool to completion, a timeout, or cancellation. On cancellation the process is stopped (and gone)
    /// before <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    Task<ProcessRunResult> RunAsync(ProcessRunRequest request, CancellationToken cancellationToken);
}
