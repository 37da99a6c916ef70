using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streamio.Grains.Videos;

namespace Streamio.Host.Tests.Observability;

/// <summary>When a video fails, the log says so at that moment: which video, which project, which work item, and why.</summary>
public sealed class FailureLogTests
{
    [Fact]
    public async Task A_failed_video_is_logged_as_an_error_with_its_project_work_item_and_reason()
    {
        var logs = new KeptLogs();
        await using var node = await StreamioNode.StartAsync(build: builder => builder.Logging.AddProvider(logs));
        using var scratch = new Streamio.Testing.TempDirectory();
        var notAVideo = Path.Combine(scratch.Path, "notes.mp4");
        await File.WriteAllTextAsync(notAVideo, string.Concat(Enumerable.Repeat("This is a text file with a video's name.\n", 200)));

        var video = await node.WaitForReadyAsync((await node.UploadOkAsync(notAVideo)).Id);

        Assert.Equal("failed", video.Status);
        Assert.False(string.IsNullOrEmpty(video.Error));
        // Logged before the failed state was written, so it is there as soon as the API shows the failure.
        var entry = Assert.Single(logs.Entries, entry => entry.Category == typeof(VideoGrain).FullName && entry.Level == LogLevel.Error && entry.Message.Contains(video.Id));
        Assert.Contains("of project default failed", entry.Message);
        Assert.Contains("probe item 0", entry.Message);
        Assert.Contains(video.Error, entry.Message);
    }

    private sealed class KeptLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

        public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
