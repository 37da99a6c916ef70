namespace Streamio.Host.LiveStreams;

/// <summary>
/// The part of <c>Streamio:Live</c> the API needs to tell publishers where to send: the host name they reach the ingest
/// by (empty: the host of the API request) and the ingest servers' ports.
/// </summary>
public sealed class LiveAddressOptions
{
    /// <summary>Host name (or IP) publishers reach the RTMP and SRT servers by; empty means the API request's host.</summary>
    public string PublicHost { get; set; } = "";

    public LiveServerPort Rtmp { get; set; } = new() { Port = 1935 };

    public LiveSrtPort Srt { get; set; } = new() { Port = 9000 };
}

public class LiveServerPort
{
    public int Port { get; set; }
}

public sealed class LiveSrtPort : LiveServerPort
{
    /// <summary>The SRT server asks publishers for the stream key as the passphrase too, so the URL carries it.</summary>
    public bool RequirePassphrase { get; set; }
}
