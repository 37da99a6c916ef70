using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Streamio.Host.Configuration;

namespace Streamio.Host.Uploads.Tus;

/// <summary>How a PATCH body arrived.</summary>
/// <param name="Bytes">Bytes written to the scratch file (never more than the limit).</param>
/// <param name="Interrupted">The client went away mid-body; what arrived before is in the file.</param>
/// <param name="TooLarge">The body went past the bytes the upload still expects; reading stopped there.</param>
/// <param name="ChecksumMatches">False only when a checksum was sent and the complete body does not match it.</param>
public sealed record ReceivedChunk(long Bytes, bool Interrupted, bool TooLarge, bool ChecksumMatches);

/// <summary>
/// The node-local folder where a PATCH body is written while it arrives (streamed, never held in memory), so it can be
/// checked (size, checksum) before it becomes a part in storage. A scratch file lives only as long as its request.
/// </summary>
public sealed class TusScratch
{
    private const int BufferSize = 81920;
    private readonly string _folder;

    public TusScratch(IOptions<TusOptions> tus, IOptions<StreamioOptions> streamio)
    {
        _folder = Path.GetFullPath(tus.Value.ScratchPath is { Length: > 0 } path ? path : Path.Combine(streamio.Value.DataPath, "tus"));
        Directory.CreateDirectory(_folder);
    }

    /// <summary>A fresh scratch file path for one request (the upload id is Streamio's, never the client's text).</summary>
    public string NewFile(string uploadId) => Path.Combine(_folder, $"{uploadId}.{Guid.NewGuid():N}.chunk");

    /// <summary>Streams <paramref name="body"/> into <paramref name="path"/>, stopping past <paramref name="limit"/> bytes.</summary>
    public static async Task<ReceivedChunk> ReceiveAsync(Stream body, string path, long limit, TusChecksum? checksum, CancellationToken cancellationToken)
    {
        using var hash = checksum?.CreateHash();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long written = 0;
        var interrupted = false;
        var tooLarge = false;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken);
                }
                catch (Exception error) when (error is IOException or OperationCanceledException)
                {
                    // A dropped connection: Kestrel reports it as a reset, a bad request (body shorter than declared) or an abort.
                    interrupted = true;
                    break;
                }
                if (read == 0)
                {
                    break;
                }
                if (written + read > limit)
                {
                    tooLarge = true;
                    break;
                }
                await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
                hash?.AppendData(buffer, 0, read);
                written += read;
            }
            await file.FlushAsync(CancellationToken.None);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var matches = hash is null || (!interrupted && CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), checksum!.Expected));
        return new ReceivedChunk(written, interrupted, tooLarge, matches);
    }

    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The sweeper removes it later.
        }
    }

    /// <summary>Removes scratch files a crashed node left behind (a live request writes its file continuously).</summary>
    public void DeleteAbandoned(TimeSpan olderThan)
    {
        var cutoff = DateTime.UtcNow - olderThan;
        foreach (var file in new DirectoryInfo(_folder).EnumerateFiles("*.chunk"))
        {
            if (file.LastWriteTimeUtc < cutoff)
            {
                Delete(file.FullName);
            }
        }
    }
}
