using System.Net;

namespace Streamio.Ingest;

/// <summary>How a publisher reached the silo.</summary>
public enum IngestProtocol
{
    Srt,
    Rtmp,
}

/// <summary>A publisher asking to go live: the protocol, the stream key it presented and where it comes from.</summary>
public sealed record PublishRequest(IngestProtocol Protocol, string StreamKey, IPEndPoint Remote);

/// <summary>The answer to a <see cref="PublishRequest"/>; a refusal carries a reason for the log, never for the peer.</summary>
public sealed record PublishDecision(bool Accepted, string? LiveStreamId, string? Reason)
{
    public static PublishDecision Accept(string liveStreamId) => new(true, liveStreamId, null);

    public static PublishDecision Refuse(string reason) => new(false, null, reason);
}

/// <summary>
/// Decides whether a stream key may publish. The ingest servers ask it before they read a single media byte, so a wrong
/// key never reaches a decoder.
/// </summary>
public interface IPublishAuthorizer
{
    ValueTask<PublishDecision> AuthorizeAsync(PublishRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// One accepted publisher connection. <see cref="Media"/> yields the container bytes as they arrive (FLV for RTMP,
/// MPEG-TS for SRT, see <see cref="ContainerFormat"/>, FFmpeg's <c>-f</c> name) and ends when the publisher
/// disconnects or the server stops.
/// </summary>
public sealed record IngestSession(
    IngestProtocol Protocol,
    string LiveStreamId,
    string StreamKey,
    IPEndPoint Remote,
    string ContainerFormat,
    Stream Media,
    DateTimeOffset ConnectedAt);

/// <summary>
/// Takes an accepted publisher for as long as it sends. The server closes the connection when the handler returns
/// (or throws), and cancels the token when it stops.
/// </summary>
public interface IPublishHandler
{
    Task RunAsync(IngestSession session, CancellationToken cancellationToken);
}
