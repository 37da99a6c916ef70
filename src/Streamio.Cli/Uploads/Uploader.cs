using Streamio.Cli.Api;
using Streamio.Cli.Output;

namespace Streamio.Cli.Uploads;

/// <summary>How an upload is sent: bytes per PATCH, and an optional rate limit in bytes per second.</summary>
/// <remarks>
/// By default the rest of the file goes in one PATCH, as tus-js-client does: the server keeps the bytes of a PATCH that
/// breaks off, so smaller requests buy no resumability, and each costs a round trip and a part in storage. Chunks are
/// for proxies that cap request bodies.
/// </remarks>
public sealed record UploadTuning(long ChunkBytes, long? BytesPerSecond)
{
    public const long WholeFile = long.MaxValue;
}

/// <summary>What one file's upload did: the video it became, and how much of it this run sent.</summary>
public sealed record UploadOutcome(string File, Uri UploadUrl, string VideoId, long Bytes, long ResumedFrom, TimeSpan Elapsed)
{
    public long BytesSent => Bytes - ResumedFrom;
}

/// <summary>
/// Sends one file with tus, resuming an earlier unfinished upload of the same file (see <see cref="ResumeStore"/>):
/// the server's offset (HEAD) says where to go on from. A dropped connection is retried from the server's offset a
/// few times before the run gives up; the next run resumes all the same.
/// </summary>
public sealed class Uploader(StreamioClient api, ResumeStore resume, ProgressDisplay display, TextWriter notes)
{
    private const int Retries = 3;

    public async Task<UploadOutcome> UploadAsync(FileInfo file, string? title, bool withLogo, UploadTuning tuning, CancellationToken cancellationToken)
    {
        var tus = new TusClient(api);
        var fingerprint = ResumeStore.Fingerprint(api.BaseUrl, file);
        var (url, state) = await ResumeAsync(tus, fingerprint, file, cancellationToken);
        if (url is null)
        {
            url = await tus.CreateAsync(file.Length, file.Name, title, withLogo, cancellationToken);
            state = new TusState(0, file.Length, null);
            resume.Remember(fingerprint, new ResumeEntry(url.AbsoluteUri, file.FullName, file.Length, DateTimeOffset.UtcNow));
        }
        var resumedFrom = state!.Offset;
        var started = DateTimeOffset.UtcNow;
        var limit = tuning.BytesPerSecond is { } rate ? new RateLimit(rate) : null;
        await using (var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1024 * 1024, useAsync: true))
        {
            state = await display.UploadAsync(file.Name, file.Length, resumedFrom, progress =>
                SendAsync(tus, url, stream, state, tuning.ChunkBytes, progress, limit, cancellationToken));
        }
        // All bytes in but no video named (a node restarted in between): asking again makes the server finish it.
        var videoId = state.VideoId ?? (await tus.HeadAsync(url, cancellationToken))?.VideoId
            ?? throw new CliException(ExitCodes.Unavailable, $"The upload {url} holds every byte but the server named no video: run the command again.");
        resume.Forget(fingerprint);
        return new UploadOutcome(file.FullName, url, videoId, file.Length, resumedFrom, DateTimeOffset.UtcNow - started);
    }

    /// <summary>The remembered upload of this file and where it stands, when the server still has it.</summary>
    private async Task<(Uri? Url, TusState? State)> ResumeAsync(TusClient tus, string fingerprint, FileInfo file, CancellationToken cancellationToken)
    {
        if (resume.Find(fingerprint) is not { } entry || !Uri.TryCreate(entry.UploadUrl, UriKind.Absolute, out var url))
        {
            return (null, null);
        }
        if (await tus.HeadAsync(url, cancellationToken) is { } state && state.Length == file.Length)
        {
            return (url, state);
        }
        // Expired, removed, or not this project's: start over.
        resume.Forget(fingerprint);
        return (null, null);
    }

    private async Task<TusState> SendAsync(
        TusClient tus, Uri url, FileStream stream, TusState state, long chunkBytes, IProgress<long> progress, RateLimit? limit, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (state.VideoId is null && state.Offset < state.Length)
        {
            try
            {
                stream.Position = state.Offset;
                progress.Report(state.Offset);
                var count = Math.Min(chunkBytes, state.Length - state.Offset);
                state = await tus.PatchAsync(url, state.Offset, new ProgressStream(stream, count, progress, limit), count, cancellationToken) with { Length = state.Length };
                failures = 0;
            }
            catch (CliException error) when (!cancellationToken.IsCancellationRequested && ++failures <= Retries
                && (error.ExitCode == ExitCodes.Unavailable || error.HttpStatus == 409))
            {
                // The connection dropped or another client moved the offset: go on from where the server says it is.
                await Task.Delay(TimeSpan.FromSeconds(1 << failures), cancellationToken);
                state = await tus.HeadAsync(url, cancellationToken)
                    ?? throw new CliException(ExitCodes.NotFound, $"The upload {url} is gone from the server (expired or terminated): run the command again to start over.");
                notes.WriteLine($"note: {error.Message} Going on from the server's offset, {state.Offset} bytes (retry {failures} of {Retries}).");
            }
        }
        progress.Report(state.Offset);
        return state;
    }
}
