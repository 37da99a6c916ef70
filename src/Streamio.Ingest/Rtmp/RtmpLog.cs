using System.Net;
using Microsoft.Extensions.Logging;

namespace Streamio.Ingest.Rtmp;

/// <summary>What the RTMP server logs. Stream keys are secrets: only their first characters ever reach a log.</summary>
internal static partial class RtmpLog
{
    /// <summary>The first 4 characters of a key (fewer for a short one, so half of it at most), then an ellipsis.</summary>
    public static string KeyPrefix(string key) => key[..Math.Min(4, key.Length / 2)] + "…";

    /// <summary>A peer's text (an app or command name) cut to a length a log line can hold.</summary>
    public static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "RTMP ingest listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTMP ingest is disabled (Streamio:Live:Rtmp:Enabled)")]
    public static partial void Disabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTMP connection {ConnectionId} from {Remote}")]
    public static partial void Connected(ILogger logger, long connectionId, IPEndPoint remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTMP connection from {Remote} refused: {Max} connections are open (Streamio:Live:Rtmp:MaxConnections)")]
    public static partial void TooManyConnections(ILogger logger, IPEndPoint? remote, int max);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTMP connection {ConnectionId} from {Remote} closed: {Reason}")]
    public static partial void Closed(ILogger logger, long connectionId, IPEndPoint remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTMP connection {ConnectionId} from {Remote} dropped, malformed input: {Reason}")]
    public static partial void Malformed(ILogger logger, long connectionId, IPEndPoint remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTMP connection {ConnectionId} from {Remote} rejected: {Reason}")]
    public static partial void ConnectRejected(ILogger logger, long connectionId, IPEndPoint remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTMP publish of key {KeyPrefix} from {Remote} refused: {Reason}")]
    public static partial void PublishRefused(ILogger logger, string keyPrefix, IPEndPoint remote, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "RTMP publish of key {KeyPrefix} from {Remote} failed: the authorizer threw")]
    public static partial void AuthorizerFailed(ILogger logger, Exception exception, string keyPrefix, IPEndPoint remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTMP publish of key {KeyPrefix} from {Remote} accepted as live stream {LiveStreamId}")]
    public static partial void PublishStarted(ILogger logger, string keyPrefix, IPEndPoint remote, string liveStreamId);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTMP session of live stream {LiveStreamId} from {Remote} ended ({Reason}): {Tags} FLV tags, {Bytes} bytes")]
    public static partial void SessionEnded(ILogger logger, string liveStreamId, IPEndPoint remote, string reason, long tags, long bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "RTMP publish handler for live stream {LiveStreamId} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string liveStreamId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RTMP connection {ConnectionId}: ignored command {Command}")]
    public static partial void IgnoredCommand(ILogger logger, long connectionId, string command);

    [LoggerMessage(Level = LogLevel.Error, Message = "RTMP connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, long connectionId);
}
