using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Streamio.Media.Processes;
using Streamio.Testing;

namespace Streamio.Media.Tests;

public sealed class ProcessRunnerTests
{
    // An input that never ends on its own, read in real time, so only a stop ends the run.
    private static readonly string[] EndlessFfmpeg =
        ["-hide_banner", "-nostats", "-progress", "pipe:1", "-re", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=3600", "-f", "null", "-"];

    [Fact]
    public async Task Parses_progress_of_a_real_ffmpeg_run_and_logs_stderr()
    {
        var logger = new ListLogger<ProcessRunner>();
        var reports = new ConcurrentQueue<FfmpegProgress>();
        var request = new ProcessRunRequest(
            FfmpegTools.Ffmpeg,
            ["-nostats", "-progress", "pipe:1", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=3", "-f", "null", "-"])
        {
            OnProgress = reports.Enqueue,
        };

        var result = await new ProcessRunner(logger).RunAsync(request, CancellationToken.None);

        Assert.True(result.Succeeded, result.StderrTail);
        var last = reports.Last();
        Assert.True(last.Ended);
        Assert.InRange(last.OutTime.TotalSeconds, 2.9, 3.1);
        Assert.Equal(75, last.Frame);
        Assert.Empty(result.StandardOutput);
        // The banner goes to stderr; it is logged at debug and kept in the tail.
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("ffmpeg version", StringComparison.Ordinal));
        Assert.Contains("Input #0, lavfi", result.StderrTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Standard_input_is_fed_then_closed_so_the_tool_reads_to_its_end()
    {
        // FFmpeg reads raw audio samples from pipe:0 and ends only when stdin closes: 8000 s16 samples = exactly 1 s.
        var samples = new byte[16000];
        var reports = new ConcurrentQueue<FfmpegProgress>();
        var request = new ProcessRunRequest(
            FfmpegTools.Ffmpeg,
            ["-hide_banner", "-nostats", "-progress", "pipe:1", "-f", "s16le", "-ar", "8000", "-ac", "1", "-i", "pipe:0", "-f", "null", "-"])
        {
            OnProgress = reports.Enqueue,
            StandardInput = async (stdin, cancellationToken) =>
            {
                for (var offset = 0; offset < samples.Length; offset += 4000)
                {
                    await stdin.WriteAsync(samples.AsMemory(offset, 4000), cancellationToken);
                }
            },
        };

        var result = await new ProcessRunner(new ListLogger<ProcessRunner>()).RunAsync(request, CancellationToken.None);

        Assert.True(result.Succeeded, result.StderrTail);
        Assert.InRange(reports.Last().OutTime.TotalSeconds, 0.99, 1.01);
    }

    [Fact]
    public async Task A_stdin_feed_cannot_be_combined_with_a_quit_command()
    {
        var request = new ProcessRunRequest(FfmpegTools.Ffmpeg, ["-version"]) { QuitCommand = "q", StandardInput = (_, _) => Task.CompletedTask };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new ProcessRunner(new ListLogger<ProcessRunner>()).RunAsync(request, CancellationToken.None));

        Assert.Contains("quit command", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_stops_ffmpeg_gracefully_with_q_and_the_process_is_gone()
    {
        var pid = 0;
        var request = new ProcessRunRequest(FfmpegTools.Ffmpeg, EndlessFfmpeg)
        {
            Timeout = TimeSpan.FromSeconds(1),
            QuitCommand = "q",
            OnStarted = id => pid = id,
            OnProgress = _ => { },
        };

        var result = await FfmpegTools.Runner().RunAsync(request, CancellationToken.None);

        Assert.True(result.TimedOut);
        Assert.Equal(pid, result.ProcessId);
        Assert.Contains("[q] command received", result.StderrTail, StringComparison.Ordinal);
        Assert.False(TestMedia.ProcessExists(pid));
    }

    [Fact]
    public async Task Timeout_through_the_ffmpeg_runner_is_a_media_tool_exception()
    {
        var error = await Assert.ThrowsAsync<MediaToolException>(
            () => TestMedia.Runner().RunFfmpegAsync(EndlessFfmpeg, TimeSpan.FromSeconds(1), null, CancellationToken.None));

        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_stops_ffmpeg_and_throws_once_it_is_gone()
    {
        var pid = 0;
        using var cts = new CancellationTokenSource();
        var request = new ProcessRunRequest(FfmpegTools.Ffmpeg, EndlessFfmpeg)
        {
            QuitCommand = "q",
            OnStarted = id => pid = id,
            // Cancel once FFmpeg is demonstrably working.
            OnProgress = p =>
            {
                if (p.Frame > 2)
                {
                    cts.Cancel();
                }
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FfmpegTools.Runner().RunAsync(request, cts.Token));

        Assert.NotEqual(0, pid);
        Assert.False(TestMedia.ProcessExists(pid));
    }

    [Fact]
    public async Task Cancelling_an_encode_stops_ffmpeg_with_q_and_leaves_a_playable_file()
    {
        using var temp = new TempDirectory("stop");
        var output = temp.Combine("cancelled.mp4");
        var logger = new ListLogger<ProcessRunner>();
        var ffmpeg = new FfmpegRunner(new ProcessRunner(logger), Microsoft.Extensions.Options.Options.Create(FfmpegTools.Options()));
        var working = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();

        var run = ffmpeg.RunFfmpegAsync(
            [.. EndlessFfmpeg[..^3], "-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4", "file:" + output],
            TimeSpan.FromMinutes(10),
            p =>
            {
                if (p.Frame >= 10)
                {
                    working.TrySetResult();
                }
            },
            cts.Token);
        await WhenWorkingAsync(working.Task, run);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        // MP4 writes its index last: only an FFmpeg that finished on its own leaves a file anything can read.
        var probe = await TestMedia.Prober().ProbeAsync(MediaInput.LocalFile(output), CancellationToken.None);
        Assert.True(probe.DurationSeconds >= 0.9, $"duration {probe.DurationSeconds}");
        Assert.Equal(["quit command"], StopSteps(logger));
    }

    [Fact]
    public async Task A_frozen_ffmpeg_is_killed_after_quit_and_sigterm_go_unheard()
    {
        var logger = new ListLogger<ProcessRunner>();
        var pid = 0;
        var working = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var request = new ProcessRunRequest(FfmpegTools.Ffmpeg, EndlessFfmpeg)
        {
            QuitCommand = "q",
            GracePeriod = TimeSpan.FromMilliseconds(300),
            OnStarted = id => pid = id,
            OnProgress = p =>
            {
                if (p.Frame > 2)
                {
                    working.TrySetResult();
                }
            },
        };

        var run = new ProcessRunner(logger).RunAsync(request, cts.Token);
        await WhenWorkingAsync(working.Task, run);
        // A stopped process reads no stdin and handles no signal until continued, which it never is; only SIGKILL ends it.
        var frozen = await FfmpegTools.Runner().RunAsync(
            new ProcessRunRequest("kill", ["-STOP", pid.ToString(CultureInfo.InvariantCulture)]), CancellationToken.None);
        Assert.True(frozen.Succeeded, frozen.StderrTail);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(TestMedia.ProcessExists(pid));
        Assert.Equal(["quit command", "SIGTERM", "kill"], StopSteps(logger));
    }

    [Fact]
    public async Task A_tool_deaf_to_quit_gets_sigterm()
    {
        var request = new ProcessRunRequest("sleep", ["600"])
        {
            Timeout = TimeSpan.FromMilliseconds(300),
            QuitCommand = "q",
            GracePeriod = TimeSpan.FromMilliseconds(300),
        };

        var result = await FfmpegTools.Runner().RunAsync(request, CancellationToken.None);

        Assert.True(result.TimedOut);
        // 128 + SIGTERM, as the shell would put it; .NET reports the signal number itself.
        Assert.Contains(result.ExitCode, new[] { 15, 143 });
        Assert.False(TestMedia.ProcessExists(result.ProcessId));
    }

    [Fact]
    public async Task A_tool_ignoring_sigterm_is_killed_with_its_children()
    {
        // The shell ignores TERM and so does its child (ignored signals survive exec); only the tree kill ends them.
        var request = new ProcessRunRequest("sh", ["-c", "trap '' TERM; sleep 600 & echo $!; wait"])
        {
            Timeout = TimeSpan.FromMilliseconds(500),
            GracePeriod = TimeSpan.FromMilliseconds(300),
        };

        var result = await FfmpegTools.Runner().RunAsync(request, CancellationToken.None);

        Assert.True(result.TimedOut);
        var child = int.Parse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture);
        Assert.False(TestMedia.ProcessExists(result.ProcessId));
        // The orphaned child is reaped by init, asynchronously: wait for it rather than racing it.
        await WaitUntilAsync(() => !TestMedia.ProcessExists(child));
    }

    [Fact]
    public async Task Non_zero_exit_is_a_media_tool_exception_with_the_stderr_tail()
    {
        var error = await Assert.ThrowsAsync<MediaToolException>(
            () => TestMedia.Runner().RunFfmpegAsync(["-hide_banner", "-i", "file:/nonexistent/streamio.mp4", "-f", "null", "-"], TimeSpan.FromMinutes(1), null, CancellationToken.None));

        Assert.Contains("No such file or directory", error.StderrTail, StringComparison.Ordinal);
        Assert.Contains("exit code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_tool_is_a_media_tool_exception_that_says_how_to_fix_it()
    {
        var options = FfmpegTools.Options();
        options.FfmpegPath = "/nonexistent/ffmpeg";

        var error = await Assert.ThrowsAsync<MediaToolException>(
            () => TestMedia.Runner(options).RunFfmpegAsync(["-version"], TimeSpan.FromMinutes(1), null, CancellationToken.None));

        Assert.Contains("apt-get install ffmpeg", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Low_priority_runs_niced_in_the_idle_scheduling_class()
    {
        var threads = new ConcurrentQueue<ThreadPriority>();
        var pid = 0;
        using var cts = new CancellationTokenSource();
        var request = new ProcessRunRequest(FfmpegTools.Ffmpeg, EndlessFfmpeg)
        {
            LowPriority = true,
            QuitCommand = "q",
            OnStarted = id => pid = id,
            OnProgress = _ =>
            {
                // Once: the last report can come after the stop, when the process is gone.
                if (cts.IsCancellationRequested)
                {
                    return;
                }

                EnqueueThreadPriorities(pid, threads);
                cts.Cancel();
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FfmpegTools.Runner().RunAsync(request, cts.Token));

        AssertBackground(threads);
    }

    [Fact]
    public async Task The_ffmpeg_runner_starts_ffmpeg_below_normal_priority_by_default()
    {
        var threads = await FfmpegThreadPrioritiesAsync(urgent: false, lowerOnFirstReport: false);

        AssertBackground(threads);
    }

    [Fact]
    public async Task An_urgent_ffmpeg_run_keeps_this_process_priority()
    {
        // The fast start: what a viewer waits for is not put behind the rest of the ladder.
        var threads = await FfmpegThreadPrioritiesAsync(urgent: true, lowerOnFirstReport: false);

        var own = TestMedia.PriorityOf($"/proc/{Environment.ProcessId}/stat");
        Assert.NotEmpty(threads);
        Assert.All(threads, thread => Assert.Equal(own, thread.Reading));
    }

    [Fact]
    public async Task An_urgent_run_lowered_while_running_moves_every_thread_to_the_background()
    {
        // The audio pass: urgent until its first segment is out, then background work like the chunks.
        var threads = await FfmpegThreadPrioritiesAsync(urgent: true, lowerOnFirstReport: true);

        AssertBackground(threads);
    }

    private static void AssertBackground(ConcurrentQueue<ThreadPriority> threads)
    {
        // More than the main thread: the encoder's and filters' workers too.
        Assert.True(threads.Count > 1, $"{threads.Count} threads read");
        Assert.All(threads, thread => Assert.Equal((5, 10), thread.Reading));
    }

    /// <summary>The scheduling class and nice value of every thread of an FFmpeg the runner started, read once it reports progress.</summary>
    private static async Task<ConcurrentQueue<ThreadPriority>> FfmpegThreadPrioritiesAsync(bool urgent, bool lowerOnFirstReport)
    {
        var threads = new ConcurrentQueue<ThreadPriority>();
        var pid = 0;
        using var cts = new CancellationTokenSource();
        var run = TestMedia.Runner().RunFfmpegAsync(
            [.. EndlessFfmpeg[..^3], "-threads", "2", "-f", "null", "-"],
            TimeSpan.FromMinutes(10),
            _ =>
            {
                if (cts.IsCancellationRequested || Volatile.Read(ref pid) is not (> 0 and var running))
                {
                    return;
                }

                if (lowerOnFirstReport)
                {
                    Assert.True(IdleScheduling.TryLowerRunning(running, out var error), error);
                }

                EnqueueThreadPriorities(running, threads);
                cts.Cancel();
            },
            cts.Token,
            urgent: urgent,
            onStarted: started => Volatile.Write(ref pid, started));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        return threads;
    }

    [Fact]
    public async Task A_failing_callback_stops_the_tool_and_surfaces_its_exception()
    {
        var pid = 0;
        var request = new ProcessRunRequest(FfmpegTools.Ffmpeg, EndlessFfmpeg)
        {
            QuitCommand = "q",
            OnStarted = id => pid = id,
            OnProgress = _ => throw new InvalidDataException("callback failed"),
        };

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => FfmpegTools.Runner().RunAsync(request, CancellationToken.None));

        Assert.Equal("callback failed", error.Message);
        Assert.False(TestMedia.ProcessExists(pid));
    }

    [Fact]
    public async Task Arguments_are_passed_verbatim_never_through_a_shell()
    {
        var request = new ProcessRunRequest("printf", ["%s|", "a b", "$(echo no)", "'quoted'", "; rm -rf /"]);

        var result = await FfmpegTools.Runner().RunAsync(request, CancellationToken.None);

        Assert.Equal("a b|$(echo no)|'quoted'|; rm -rf /|\n", result.StandardOutput);
    }

    /// <summary>Waits for the run to show it is working; a run that ends first surfaces its own error instead.</summary>
    private static async Task WhenWorkingAsync(Task working, Task run)
    {
        if (await Task.WhenAny(working, run) == run)
        {
            await run;
            Assert.Fail("The run ended before it was seen working.");
        }
    }

    /// <summary>The stop steps the runner logged, in order.</summary>
    private static List<string> StopSteps(ListLogger<ProcessRunner> logger) =>
        logger.Entries
            .Select(e => e.Message)
            .Where(m => m.Contains("stopping: ", StringComparison.Ordinal))
            .Select(m => m[(m.IndexOf("stopping: ", StringComparison.Ordinal) + "stopping: ".Length)..])
            .ToList();

    /// <summary>The scheduling class and nice value of every thread of a running process, including the encoder's workers.</summary>
    private static void EnqueueThreadPriorities(int pid, ConcurrentQueue<ThreadPriority> threads)
    {
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                threads.Enqueue(new ThreadPriority(Path.GetFileName(task), TestMedia.PriorityOf(Path.Combine(task, "stat"))));
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }
    }

    private sealed record ThreadPriority(string ThreadId, (int Policy, int Nice) Reading);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
