using System.Net;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Wire;
using Streamio.Ingest.Rtmp;
using Streamio.Ingest.Srt;

namespace Streamio.Host.LiveStreams;

/// <summary>
/// Builds the publish URLs of a stream from <see cref="LiveAddressOptions"/> and, without a public host, the request's
/// host. A port set to 0 (any free port: tests, a second embedded node) is the one this node's own ingest server got.
/// </summary>
public sealed class LiveIngestAddresses(IOptions<LiveAddressOptions> options, IServiceProvider services)
{
    public LiveIngestUrls For(string streamKey, string requestHost) => For(Effective(), streamKey, requestHost);

    private LiveAddressOptions Effective()
    {
        var configured = options.Value;
        if (configured.Rtmp.Port != 0 && configured.Srt.Port != 0)
        {
            return configured;
        }
        var rtmp = configured.Rtmp.Port != 0 ? configured.Rtmp.Port : services.GetService<RtmpIngestServer>()?.LocalEndPoint?.Port ?? 0;
        var srt = configured.Srt.Port != 0 ? configured.Srt.Port : services.GetService<SrtIngestServer>()?.BoundPort ?? 0;
        return new LiveAddressOptions
        {
            PublicHost = configured.PublicHost,
            Rtmp = new LiveServerPort { Port = rtmp },
            Srt = new LiveSrtPort { Port = srt, RequirePassphrase = configured.Srt.RequirePassphrase },
        };
    }

    public LiveStreamResponse Response(LiveStreamView stream, HttpRequest request) =>
        LiveStreamResponse.From(stream, For(stream.StreamKey, request.Host.Host));

    /// <summary>Pure: the RTMP server URL (the key goes in as the stream name) and the SRT URL with the key as its streamid.</summary>
    public static LiveIngestUrls For(LiveAddressOptions options, string streamKey, string requestHost)
    {
        var host = UrlHost(string.IsNullOrWhiteSpace(options.PublicHost) ? requestHost : options.PublicHost.Trim());
        var key = Uri.EscapeDataString(streamKey);
        var srt = $"srt://{host}:{options.Srt.Port}?streamid={key}";
        if (options.Srt.RequirePassphrase)
        {
            srt += $"&passphrase={key}";
        }
        return new LiveIngestUrls($"rtmp://{host}:{options.Rtmp.Port}/live", srt);
    }

    /// <summary>An IPv6 literal needs brackets in a URL.</summary>
    private static string UrlHost(string host) =>
        IPAddress.TryParse(host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !host.StartsWith('[')
            ? $"[{host}]"
            : host;
}
