using Streamio.Media;

namespace Streamio.Host.Uploads.Progressive;

/// <summary>
/// Passes an upload's bytes through to whoever stores them, and keeps the first ones until <see cref="SourceLayout.Detect"/>
/// settles the layout. A source readable from the front is offered to <paramref name="start"/>; when that returns a
/// growing source, the head and every later byte are appended to it as they pass.
/// </summary>
public sealed class HeadWatchingStream(Stream inner, int maxHeadBytes, Func<SourceLayout, CancellationToken, Task<GrowingSource?>> start) : ForwardReadStream
{
    private readonly MemoryStream _head = new();
    private GrowingSource? _growing;

    /// <summary>A later part of an upload whose growing copy exists: every byte is appended as it passes.</summary>
    public static HeadWatchingStream Appending(Stream inner, GrowingSource growing) =>
        new(inner, 0, (_, _) => Task.FromResult<GrowingSource?>(null)) { _growing = growing, Layout = new SourceLayout(SourceReadability.FromTheFront, null) };

    /// <summary>The layout once settled (null while the head is still too short to tell).</summary>
    public SourceLayout? Layout { get; private set; }

    /// <summary>The growing source the bytes are appended to, once the video exists as uploading.</summary>
    public GrowingSource? Growing => _growing;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        if (_growing is not null)
        {
            if (read > 0)
            {
                await _growing.AppendAsync(buffer[..read], cancellationToken);
            }
            return read;
        }
        if (Layout is not null)
        {
            return read;
        }
        _head.Write(buffer.Span[..read]);
        var layout = SourceLayout.Detect(_head.GetBuffer().AsSpan(0, (int)_head.Length));
        if (read == 0 || layout.Readability != SourceReadability.NeedMore || _head.Length >= maxHeadBytes)
        {
            // The whole upload arrived before its layout was clear: nothing to gain from encoding early.
            Layout = read == 0 && layout.Readability == SourceReadability.NeedMore ? layout with { Readability = SourceReadability.Unknown } : layout;
            if (read > 0 && Layout.Readability == SourceReadability.FromTheFront && await start(Layout, cancellationToken) is { } growing)
            {
                await growing.AppendAsync(_head.GetBuffer().AsMemory(0, (int)_head.Length), cancellationToken);
                _growing = growing;
            }
            _head.SetLength(0);
        }
        return read;
    }
}
