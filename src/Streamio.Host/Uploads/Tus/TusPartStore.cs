using System.Globalization;
using Streamio.Abstractions.Uploads;
using Streamio.Storage;

namespace Streamio.Host.Uploads.Tus;

/// <summary>One stored part of an upload: the bytes [Start, End).</summary>
public sealed record TusPart(long Start, long End, string Key);

/// <summary>
/// An upload's bytes as parts in object storage, one per accepted PATCH, named by the range they hold. Any node can
/// add to an upload and the parts outlive a restart; when the upload is full, the parts are read back in order as one
/// stream.
/// </summary>
public sealed class TusPartStore(IObjectStorage storage)
{
    public Task PutAsync(TusUploadView upload, long start, long end, Stream content, CancellationToken cancellationToken) =>
        storage.PutAsync(StorageKeys.TusPart(upload.ProjectId, upload.Id, start, end), content, cancellationToken);

    public Task DeleteAllAsync(TusUploadView upload, CancellationToken cancellationToken) =>
        storage.DeletePrefixAsync(StorageKeys.TusUploadPrefix(upload.ProjectId, upload.Id), cancellationToken);

    public async Task<IReadOnlyList<TusPart>> ListAsync(TusUploadView upload, CancellationToken cancellationToken)
    {
        var prefix = StorageKeys.TusUploadPrefix(upload.ProjectId, upload.Id);
        var parts = new List<TusPart>();
        await foreach (var key in storage.ListAsync(prefix, cancellationToken))
        {
            var range = key[prefix.Length..].Split('-');
            if (range.Length == 2
                && long.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                && long.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var end))
            {
                parts.Add(new TusPart(start, end, key));
            }
        }
        return parts;
    }

    /// <summary>The upload's bytes [0, <paramref name="length"/>) as one stream over its parts, read in order.</summary>
    /// <exception cref="InvalidDataException">The stored parts do not cover the upload.</exception>
    public async Task<Stream> OpenAsync(TusUploadView upload, CancellationToken cancellationToken)
    {
        var chain = Chain(await ListAsync(upload, cancellationToken), upload.Length)
            ?? throw new InvalidDataException($"The stored parts of upload {upload.Id} do not cover its {upload.Length} bytes.");
        return new PartChainStream(storage, chain);
    }

    /// <summary>
    /// Parts that join from 0 to <paramref name="length"/>. Usually the parts are exactly that; a PATCH that stored its
    /// part but lost the race to record it (or a crash between the two) leaves a spare part, which is skipped.
    /// </summary>
    public static IReadOnlyList<TusPart>? Chain(IReadOnlyList<TusPart> parts, long length)
    {
        var byStart = parts.Where(part => part.End > part.Start && part.End <= length)
            .ToLookup(part => part.Start);
        var deadEnds = new HashSet<long>();
        var chain = new List<TusPart>();
        return Extend(0) ? chain : null;

        bool Extend(long position)
        {
            if (position == length)
            {
                return true;
            }
            if (!deadEnds.Add(position))
            {
                return false;
            }
            foreach (var part in byStart[position].OrderByDescending(part => part.End))
            {
                chain.Add(part);
                if (Extend(part.End))
                {
                    return true;
                }
                chain.RemoveAt(chain.Count - 1);
            }
            return false;
        }
    }

    /// <summary>Reads parts one after another, opening each only when it is reached, and checks each holds its range.</summary>
    private sealed class PartChainStream(IObjectStorage storage, IReadOnlyList<TusPart> parts) : Stream
    {
        private int _index = -1;
        private Stream? _current;
        private long _readInPart;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                if (_current is null)
                {
                    if (++_index == parts.Count)
                    {
                        return 0;
                    }
                    _current = await storage.OpenReadAsync(parts[_index].Key, cancellationToken)
                        ?? throw new InvalidDataException($"Part {parts[_index].Key} disappeared while the upload was assembled.");
                    _readInPart = 0;
                }
                var read = await _current.ReadAsync(buffer, cancellationToken);
                _readInPart += read;
                var part = parts[_index];
                if (_readInPart > part.End - part.Start || (read == 0 && _readInPart != part.End - part.Start))
                {
                    throw new InvalidDataException($"Part {part.Key} holds {_readInPart} bytes, not {part.End - part.Start}.");
                }
                if (read > 0)
                {
                    return read;
                }
                await _current.DisposeAsync();
                _current = null;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _current?.Dispose();
            }
            base.Dispose(disposing);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
