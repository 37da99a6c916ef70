using System.Net;

namespace Streamio.Ingest.Rtmp;

/// <summary>The RTMP ingest server's settings, bound from <c>Streamio:Live:Rtmp</c>.</summary>
public sealed class RtmpIngestOptions
{
    public const string SectionName = "Streamio:Live:Rtmp";

    /// <summary>Listen at all; off leaves the port closed.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The TCP port (RTMP's usual 1935); 0 takes any free port (see <see cref="RtmpIngestServer.LocalEndPoint"/>).</summary>
    public int Port { get; set; } = 1935;

    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>The application publishers connect to: the path of <c>rtmp://host:1935/live</c>.</summary>
    public string Application { get; set; } = "live";

    /// <summary>Connections open at once, handshaking or publishing; more are closed as they arrive.</summary>
    public int MaxConnections { get; set; } = 100;

    /// <summary>From accepting the connection to an accepted publish; a client slower than that is dropped.</summary>
    public int HandshakeTimeoutSeconds { get; set; } = 10;

    /// <summary>A publishing connection that sends nothing for this long is closed.</summary>
    public int IdleTimeoutSeconds { get; set; } = 30;

    /// <summary>The largest RTMP message (one video frame, typically) accepted once publishing; commands before it are held to 64 KiB.</summary>
    public int MaxMessageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>What is wrong with these settings, one line each; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535)
        {
            errors.Add($"{SectionName}:Port must be 0..65535, not {Port}.");
        }

        if (!IPAddress.TryParse(BindAddress, out _))
        {
            errors.Add($"{SectionName}:BindAddress '{BindAddress}' is not an IP address.");
        }

        if (string.IsNullOrWhiteSpace(Application))
        {
            errors.Add($"{SectionName}:Application must not be empty.");
        }

        if (MaxConnections < 1)
        {
            errors.Add($"{SectionName}:MaxConnections must be at least 1, not {MaxConnections}.");
        }

        if (HandshakeTimeoutSeconds < 1 || IdleTimeoutSeconds < 1)
        {
            errors.Add($"{SectionName}:HandshakeTimeoutSeconds and IdleTimeoutSeconds must be at least 1.");
        }

        if (MaxMessageBytes is < 64 * 1024 or > 0xFFFFFF)
        {
            errors.Add($"{SectionName}:MaxMessageBytes must be 65536..16777215 (RTMP lengths are 24-bit), not {MaxMessageBytes}.");
        }

        return errors;
    }
}
