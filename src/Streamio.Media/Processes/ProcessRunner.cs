using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Streamio.Media.Processes;

/// <summary>
/// Runs external tools (FFmpeg, ffprobe) as child processes: argument lists only, stderr logged and tailed, a
/// timeout, cancellation, and a stop that escalates from polite to certain: the quit command on stdin, SIGTERM,
/// then killing the whole process tree.
/// </summary>
public sealed partial class ProcessRunner(ILogger<ProcessRunner> logger) : IProcessRunner
{
    public async Task<ProcessRunResult> RunAsync(ProcessRunRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (request.StandardInput is not null && request.QuitCommand is not null)
        {
            throw new ArgumentException("A run that feeds stdin cannot also stop the tool with a quit command on it.", nameof(request));
        }
        var tool = Path.GetFileName(request.FileName);
        using var process = new Process { StartInfo = CreateStartInfo(request) };
        process.Start();
        var pid = process.Id;
        if (request.LowPriority)
        {
            LowerPriority(process, tool);
        }

        LogStarted(logger, tool, pid);
        request.OnStarted?.Invoke(pid);

        // Reasons to stop early besides the caller and the timeout: a flood on stdout, or a callback that failed.
        using var abort = new CancellationTokenSource();
        var failure = new Failure(abort);
        var tail = new StderrTail(request.StderrTailLines);
        var stdout = new StringBuilder();
        var stderrPump = PumpStderrAsync(process.StandardError, request, tail, tool, pid, failure);
        var stdoutPump = PumpStdoutAsync(process.StandardOutput, request, stdout, failure);
        using var feedStop = new CancellationTokenSource();
        var feed = FeedStandardInputAsync(process.StandardInput, request, failure, feedStop.Token);

        using var timeout = new CancellationTokenSource();
        if (request.Timeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, abort.Token);
        var stopped = false;
        try
        {
            await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            stopped = true;
            await StopAsync(process, request, tool, pid).ConfigureAwait(false);
        }

        await feedStop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(stdoutPump, stderrPump, feed).ConfigureAwait(false);
        var exitCode = process.ExitCode;
        LogExited(logger, tool, pid, exitCode, stopped);

        failure.ThrowIfAny();
        if (stopped && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"{tool} was cancelled and stopped.", cancellationToken);
        }

        return new ProcessRunResult(pid, exitCode, stdout.ToString(), tail.ToString(), TimedOut: stopped);
    }

    private static ProcessStartInfo CreateStartInfo(ProcessRunRequest request)
    {
        var info = new ProcessStartInfo(request.FileName)
        {
            UseShellExecute = false,
            // stdin stays a pipe we own: it is how FFmpeg hears "q", and the tool never inherits our terminal.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in request.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["AV_LOG_FORCE_NOCOLOR"] = "1";
        return info;
    }

    private void LowerPriority(Process process, string tool)
    {
        // Set right after exec, before FFmpeg starts its worker threads, so they inherit the class and the nice value (the
        // nice value is what remains where the idle class is refused).
        try
        {
            process.PriorityClass = ProcessPriorityClass.BelowNormal;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            LogPriorityFailed(logger, tool, process.Id, e.Message);
        }

        if (!IdleScheduling.TryApply(process.Id, out var error) && OperatingSystem.IsLinux())
        {
            LogPriorityFailed(logger, tool, process.Id, error!);
        }
    }

    private async Task PumpStderrAsync(StreamReader reader, ProcessRunRequest request, StderrTail tail, string tool, int pid, Failure failure)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            tail.Add(line);
            LogStderr(logger, tool, pid, line);
            if (request.OnStderrLine is { } onLine && !failure.Occurred)
            {
                failure.Guard(() => onLine(line));
            }
        }
    }

    /// <summary>Feeds stdin when the request says so, then closes it (end of input); a tool that stopped reading ends the feed.</summary>
    private static async Task FeedStandardInputAsync(StreamWriter stdin, ProcessRunRequest request, Failure failure, CancellationToken cancellationToken)
    {
        if (request.StandardInput is not { } write)
        {
            return;
        }

        try
        {
            await Task.Yield();
            await write(stdin.BaseStream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The tool closed its stdin or exited: what it says is the outcome.
        }
        catch (Exception e)
        {
            failure.Set(e);
        }
        finally
        {
            try
            {
                stdin.BaseStream.Close();
            }
            catch (IOException)
            {
                // Already broken: the tool is gone.
            }
        }
    }

    // Pumps read to the end whatever happens: a pipe nobody drains would block the tool forever.
    private static async Task PumpStdoutAsync(StreamReader reader, ProcessRunRequest request, StringBuilder stdout, Failure failure)
    {
        var progress = request.OnProgress is { } onProgress ? new FfmpegProgressParser(onProgress) : null;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (failure.Occurred)
            {
                continue;
            }

            if (progress is not null)
            {
                failure.Guard(() => progress.Feed(line));
            }
            else if (stdout.Length + line.Length < request.MaxStdoutChars)
            {
                stdout.Append(line).Append('\n');
            }
            else
            {
                failure.Set(new InvalidOperationException(
                    $"{Path.GetFileName(request.FileName)} wrote more than {request.MaxStdoutChars} characters to stdout and was stopped."));
            }
        }
    }

    /// <summary>The first thing that went wrong on our side of the pipes; setting it stops the tool.</summary>
    private sealed class Failure(CancellationTokenSource abort)
    {
        private ExceptionDispatchInfo? _error;

        public bool Occurred => Volatile.Read(ref _error) is not null;

        public void Guard(Action action)
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                Set(e);
            }
        }

        public void Set(Exception e)
        {
            if (Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null) is null)
            {
                abort.Cancel();
            }
        }

        public void ThrowIfAny() => Volatile.Read(ref _error)?.Throw();
    }

    private async Task StopAsync(Process process, ProcessRunRequest request, string tool, int pid)
    {
        if (request.QuitCommand is { } quit)
        {
            LogStopping(logger, tool, pid, "quit command");
            try
            {
                await process.StandardInput.WriteAsync(quit).ConfigureAwait(false);
                await process.StandardInput.FlushAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The tool closed stdin or already exited; the next steps still apply.
            }

            if (await ExitsWithinAsync(process, request.GracePeriod).ConfigureAwait(false))
            {
                return;
            }
        }

        // Checked just before signalling so the pid cannot have been reaped and reused yet.
        if (!process.HasExited && PosixSignals.TrySendTerminate(pid))
        {
            LogStopping(logger, tool, pid, "SIGTERM");
            if (await ExitsWithinAsync(process, request.GracePeriod).ConfigureAwait(false))
            {
                return;
            }
        }

        LogStopping(logger, tool, pid, "kill");
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task<bool> ExitsWithinAsync(Process process, TimeSpan grace)
    {
        using var wait = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Tool}[{Pid}] started")]
    private static partial void LogStarted(ILogger logger, string tool, int pid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Tool}[{Pid}] {Line}")]
    private static partial void LogStderr(ILogger logger, string tool, int pid, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Tool}[{Pid}] stopping: {Step}")]
    private static partial void LogStopping(ILogger logger, string tool, int pid, string step);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Tool}[{Pid}] exited with {ExitCode} (stopped: {Stopped})")]
    private static partial void LogExited(ILogger logger, string tool, int pid, int exitCode, bool stopped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Tool}[{Pid}] could not be lowered in priority: {Reason}")]
    private static partial void LogPriorityFailed(ILogger logger, string tool, int pid, string reason);
}
