using System.Net;

namespace Streamio.Ingest.Srt;

/// <summary>The SRT ingest server (configuration section <c>Streamio:Live:Srt</c>).</summary>
public sealed class SrtIngestOptions
{
    public const string Section = "Streamio:Live:Srt";

    /// <summary>Off: the server does not load libsrt or open its port.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The UDP port every stream of this silo publishes to; 0 takes any free port (tests).</summary>
    public int Port { get; set; } = 9000;

    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Publishers connected (or being admitted) at once; one more is refused in the handshake.</summary>
    public int MaxConnections { get; set; } = 50;

    /// <summary>SRT's receive latency (the publisher's own setting wins when larger): the time lost packets have to be resent.</summary>
    public int LatencyMs { get; set; } = 120;

    /// <summary>
    /// Silence from a publisher after which its connection is dropped (a crashed or unplugged encoder). libsrt breaks a
    /// connection only after 16 unanswered keep-alive periods of at least 300 ms, so values under about 5 s act as 5 s.
    /// </summary>
    public double PeerIdleTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// The publisher must encrypt with its stream key as the SRT passphrase (<c>passphrase=KEY</c>); unencrypted or
    /// wrongly encrypted publishers are refused. SRT passphrases are 10–79 bytes, so shorter or longer keys cannot publish.
    /// </summary>
    public bool RequirePassphrase { get; set; }

    /// <summary>
    /// How long the handshake waits for <see cref="IPublishAuthorizer"/>. It blocks libsrt's receive thread for the
    /// port (and with it every stream's packets), so keep it short.
    /// </summary>
    public double AuthorizeTimeoutSeconds { get; set; } = 5;

    /// <summary>The libsrt shared library loaded (Debian/Ubuntu package libsrt1.5-gnutls).</summary>
    public string Library { get; set; } = SrtNative.LibraryName;

    internal IEnumerable<string> Problems()
    {
        if (Port is < 0 or > 65535)
        {
            yield return $"{Section}:Port must be 0..65535 (was {Port}).";
        }

        if (!IPAddress.TryParse(BindAddress, out _))
        {
            yield return $"{Section}:BindAddress '{BindAddress}' is not an IP address.";
        }

        if (MaxConnections < 1)
        {
            yield return $"{Section}:MaxConnections must be at least 1 (was {MaxConnections}).";
        }

        if (LatencyMs is < 0 or > 60_000)
        {
            yield return $"{Section}:LatencyMs must be 0..60000 (was {LatencyMs}).";
        }

        if (PeerIdleTimeoutSeconds is < 1 or > 3600)
        {
            yield return $"{Section}:PeerIdleTimeoutSeconds must be 1..3600 (was {PeerIdleTimeoutSeconds}).";
        }

        if (AuthorizeTimeoutSeconds is < 0.1 or > 30)
        {
            yield return $"{Section}:AuthorizeTimeoutSeconds must be 0.1..30 (was {AuthorizeTimeoutSeconds}).";
        }

        if (string.IsNullOrWhiteSpace(Library))
        {
            yield return $"{Section}:Library must name the libsrt shared library.";
        }
    }
}
