using Microsoft.Extensions.Logging.Abstractions;
using Streamio.Media;
using Streamio.Media.Processes;

namespace Streamio.Testing;

/// <summary>Finds the real FFmpeg the tests run against, and fails with the fix when it is missing.</summary>
public static class FfmpegTools
{
    private static readonly Lazy<string> FfmpegLazy = new(() => Resolve("ffmpeg", "STREAMIO_FFMPEG"));
    private static readonly Lazy<string> FfprobeLazy = new(() => Resolve("ffprobe", "STREAMIO_FFPROBE"));

    public static string Ffmpeg => FfmpegLazy.Value;

    public static string Ffprobe => FfprobeLazy.Value;

    /// <summary>Options pointing at the resolved tools; tests tweak the rest.</summary>
    public static FfmpegOptions Options() => new() { FfmpegPath = Ffmpeg, FfprobePath = Ffprobe };

    public static ProcessRunner Runner() => new(NullLogger<ProcessRunner>.Instance);

    /// <summary>Runs ffmpeg for test fixtures; fails the test with FFmpeg's own words if it fails.</summary>
    public static Task<ProcessRunResult> FfmpegAsync(params string[] arguments) => RunCheckedAsync(Ffmpeg, arguments);

    public static Task<ProcessRunResult> FfprobeAsync(params string[] arguments) => RunCheckedAsync(Ffprobe, arguments);

    private static async Task<ProcessRunResult> RunCheckedAsync(string tool, IReadOnlyList<string> arguments)
    {
        var result = await Runner().RunAsync(new ProcessRunRequest(tool, arguments) { Timeout = TimeSpan.FromMinutes(5) }, CancellationToken.None);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{Path.GetFileName(tool)} {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.StderrTail}");
        }

        return result;
    }

    private static string Resolve(string name, string environmentVariable)
    {
        if (Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{environmentVariable}={configured} does not exist.");
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} was not found on PATH. The tests run the real FFmpeg: install it: apt-get install ffmpeg");
    }
}
