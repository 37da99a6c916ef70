using Microsoft.Extensions.Options;

namespace Streamio.Media.Forensics;

/// <summary>Decodes a video into a <see cref="GrayClip"/> with one FFmpeg run (through the one runner, with its hardening).</summary>
public sealed class GrayFrameReader(FfmpegRunner ffmpeg, IOptions<FfmpegOptions> options)
{
    /// <summary>Largest clip decoded: 3 hours at the detector's rate and size is about 70 MB of frames.</summary>
    private const long MaxBytes = 512L * 1024 * 1024;

    public async Task<GrayClip> ReadAsync(MediaInput input, GraySampling sampling, string scratchPath, double? durationSeconds, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(scratchPath))!);
        File.Delete(scratchPath);
        try
        {
            var timeout = options.Value.TaskTimeoutFor(durationSeconds ?? options.Value.MaxDurationSeconds);
            await ffmpeg.RunFfmpegAsync(FfmpegArguments.GrayFrames(input, sampling, scratchPath, options.Value), timeout, null, cancellationToken).ConfigureAwait(false);
            var file = new FileInfo(scratchPath);
            if (!file.Exists || file.Length == 0)
            {
                throw new MediaToolException("ffmpeg decoded no frame of the video.", string.Empty);
            }

            if (file.Length > MaxBytes)
            {
                throw new MediaToolException($"The video is too long to analyse ({file.Length} bytes of frames).", string.Empty);
            }

            return GrayClip.FromRaw(await File.ReadAllBytesAsync(scratchPath, cancellationToken).ConfigureAwait(false), sampling.Width, sampling.Height, sampling.Fps);
        }
        finally
        {
            File.Delete(scratchPath);
        }
    }
}
