using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FFMpegCore;
using Microsoft.Extensions.Options;

namespace Streamio.Media;

/// <summary>
/// Decides what a source is with ffprobe, fenced by the demuxer allowlist and the caps, and refuses anything
/// Streamio will not encode with a reason a person can act on.
/// </summary>
public sealed class FfprobeProber(FfmpegRunner tools, IOptions<FfmpegOptions> options) : IMediaProber
{
    public const string UnsupportedReason = "The file is not a supported video: Streamio accepts MP4, MOV, MKV, WebM and MPEG-TS.";

    // stderr of a failed probe that points at our infrastructure, not at the file: retry, do not blame the uploader.
    private static readonly string[] InfrastructureErrors =
    [
        "No such file or directory", "Permission denied", "Connection refused", "Connection timed out", "Connection reset",
        "Server returned", "Network is unreachable", "Failed to resolve hostname", "Input/output error",
    ];

    // How FFMpegCore reads ffprobe's output itself.
    private static readonly JsonSerializerOptions AnalysisJson = new() { PropertyNameCaseInsensitive = true };

    private readonly FfmpegOptions _options = options.Value;

    public async Task<MediaProbe> ProbeAsync(MediaInput input, CancellationToken cancellationToken)
    {
        if (LocalPath(input) is { } path)
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw new MediaToolException($"The source file '{path}' does not exist.", string.Empty);
            }

            if (file.Length == 0)
            {
                throw new MediaRejectedException("The file is empty. " + UnsupportedReason);
            }
        }

        var result = await tools.RunFfprobeAsync(FfmpegArguments.Probe(input, _options), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            if (InfrastructureErrors.Any(e => result.StderrTail.Contains(e, StringComparison.OrdinalIgnoreCase)))
            {
                throw new MediaToolException($"ffprobe could not read the source: {FfmpegRunner.Summary(result.StderrTail)}", result.StderrTail);
            }

            if (result.StderrTail.Contains("exceeds max_streams", StringComparison.Ordinal))
            {
                throw new MediaRejectedException(TooManyStreams(null, _options.MaxStreams));
            }

            // Unknown or disallowed format, truncated, garbage: all the uploader's to fix.
            throw new MediaRejectedException(UnsupportedReason);
        }

        return Interpret(result.StandardOutput, _options, durationRequired: !input.Growing);
    }

    public async Task<IReadOnlyList<double>> KeyframesAsync(MediaInput input, string workDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDirectory);
        var listing = Path.Combine(workDirectory, "keyframes.crc");
        try
        {
            // Normal priority, as the probe's: the chunks are planned on it.
            await tools.RunFfmpegAsync(FfmpegArguments.Keyframes(input, _options, listing), timeout, onProgress: null, cancellationToken,
                task: new FfmpegTask("keyframes"), urgent: true).ConfigureAwait(false);
            return KeyframeIndex.Parse(await File.ReadAllTextAsync(listing, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            File.Delete(listing);
        }
    }

    /// <summary>
    /// Turns ffprobe's JSON into a <see cref="MediaProbe"/>, or refuses the source. The JSON is read into FFMpegCore's
    /// raw model (<see cref="FFProbeAnalysis"/>): typed fields, our rules on top. Not its <c>IMediaAnalysis</c>: that
    /// view throws on a stream tag it cannot parse and takes any-case "rotate" tags for a rotation FFmpeg never applies.
    /// </summary>
    /// <param name="durationRequired">False for the head of an upload still arriving, whose duration may not be known yet (0).</param>
    public static MediaProbe Interpret(string ffprobeJson, FfmpegOptions options, bool durationRequired = true)
    {
        var analysis = ReadAnalysis(ffprobeJson);
        var format = analysis.Format;
        var formatName = format.FormatName ?? string.Empty;
        var allowed = options.AllowedFormats.Split(',', StringSplitOptions.TrimEntries);
        if (!formatName.Split(',').Any(allowed.Contains))
        {
            throw new MediaRejectedException(UnsupportedReason);
        }

        var streams = analysis.Streams;
        if (streams.Count > options.MaxStreams)
        {
            throw new MediaRejectedException(TooManyStreams(streams.Count, options.MaxStreams));
        }

        // Cover art is a video stream too; it is not the video.
        var video = streams.FirstOrDefault(s => s.CodecType == "video" && !IsAttachedPicture(s))
            ?? throw new MediaRejectedException("The file has no video stream. " + UnsupportedReason);
        var videoInfo = ReadVideo(video, options);
        var duration = Number(format.Duration) ?? Number(video.Duration);
        if (!durationRequired && duration is not > 0)
        {
            duration = 0;
        }
        else if (duration is not > 0 || double.IsNaN(duration.Value))
        {
            throw new MediaRejectedException("The video has no duration: the file may be truncated or still being recorded.");
        }

        if (duration > options.MaxDurationSeconds)
        {
            throw new MediaRejectedException($"The video is too long ({FormatDuration(duration.Value)}); Streamio accepts up to {FormatDuration(options.MaxDurationSeconds)}.");
        }

        var audio = streams.FirstOrDefault(s => s.CodecType == "audio");
        var audioInfo = audio is null
            ? null
            : new AudioStreamInfo(audio.CodecName ?? "unknown", audio.Channels ?? 0, (int)(Number(audio.SampleRate) ?? 0));
        return new MediaProbe(formatName, duration.Value, videoInfo, audioInfo);
    }

    private static FFProbeAnalysis ReadAnalysis(string ffprobeJson)
    {
        FFProbeAnalysis? analysis;
        try
        {
            analysis = JsonSerializer.Deserialize<FFProbeAnalysis>(ffprobeJson, AnalysisJson);
        }
        catch (JsonException)
        {
            analysis = null;
        }

        // Format is declared non-null but is absent from JSON that is not ffprobe's.
        return analysis?.Format is null ? throw new MediaRejectedException(UnsupportedReason) : analysis;
    }

    private static string TooManyStreams(int? count, int max) =>
        $"The file has too many streams{(count is null ? string.Empty : $" ({count})")}; Streamio accepts at most {max}.";

    private static VideoStreamInfo ReadVideo(FFProbeStream video, FfmpegOptions options)
    {
        var codec = video.CodecName;
        if (string.IsNullOrEmpty(codec) || codec == "none")
        {
            throw new MediaRejectedException("The video codec of this file is not supported. " + UnsupportedReason);
        }

        var width = video.Width ?? 0;
        var height = video.Height ?? 0;
        if (width <= 0 || height <= 0)
        {
            throw new MediaRejectedException("The video stream has no readable frames. " + UnsupportedReason);
        }

        // Orientation-agnostic: the long side against the long cap, the short side against the short one.
        var (longCap, shortCap) = (Math.Max(options.MaxWidth, options.MaxHeight), Math.Min(options.MaxWidth, options.MaxHeight));
        if (Math.Max(width, height) > longCap || Math.Min(width, height) > shortCap)
        {
            throw new MediaRejectedException($"The video is too large ({width}x{height}); Streamio accepts up to {options.MaxWidth}x{options.MaxHeight}.");
        }

        var frameRate = Rational(video.AvgFrameRate) ?? Rational(video.FrameRate) ?? 0;
        // FFmpeg turns rotated video (phones) upright when decoding: report the size the encoder will actually see.
        return IsQuarterTurn(video)
            ? new VideoStreamInfo(codec, height, width, frameRate)
            : new VideoStreamInfo(codec, width, height, frameRate);
    }

    /// <summary>
    /// The display matrix FFmpeg applies, or (older ffprobe) the lowercase "rotate" tag it came from. A Matroska
    /// "ROTATE" tag is only metadata: FFmpeg decodes such a file as stored.
    /// </summary>
    private static bool IsQuarterTurn(FFProbeStream video)
    {
        var rotation = video.SideData?
            .Select(d => d.TryGetValue("rotation", out var value) ? Number(value) : null)
            .FirstOrDefault(r => r is not null);
        if (rotation is null && video.Tags?.TryGetValue("rotate", out var tag) == true)
        {
            rotation = Number(tag);
        }

        return rotation is { } degrees && Math.Abs(Math.Round(degrees) % 180) == 90;
    }

    private static bool IsAttachedPicture(FFProbeStream stream) =>
        stream.Disposition?.TryGetValue("attached_pic", out var flag) == true && flag == 1;

    /// <summary>ffprobe writes some numbers as JSON numbers and others (duration, sample_rate) as strings.</summary>
    private static double? Number(JsonValue? value) =>
        value?.GetValueKind() switch
        {
            JsonValueKind.Number => value.GetValue<double>(),
            JsonValueKind.String => Number(value.GetValue<string>()),
            _ => null,
        };

    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    private static double? Rational(string? value)
    {
        var parts = value?.Split('/');
        if (parts is not [var n, var d]
            || !double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
            || !double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out var den)
            || num <= 0 || den <= 0)
        {
            return null;
        }

        return num / den;
    }

    private static string FormatDuration(double seconds) =>
        TimeSpan.FromSeconds(Math.Round(seconds)).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);

    private static string? LocalPath(MediaInput input)
    {
        if (input.Protocols.Count != 1 || input.Protocols[0] != "file")
        {
            return null;
        }

        return input.Location.StartsWith("file:", StringComparison.Ordinal) ? input.Location["file:".Length..] : input.Location;
    }
}
