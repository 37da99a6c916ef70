namespace Streamio.Ingest.Rtmp;

/// <summary>A peer broke the RTMP or AMF0 rules; the connection that sent it is closed, nothing else is affected.</summary>
internal sealed class RtmpProtocolException(string message) : Exception(message);
