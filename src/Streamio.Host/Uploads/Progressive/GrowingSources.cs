using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Streamio.Host.Configuration;

namespace Streamio.Host.Uploads.Progressive;

/// <summary>
/// This node's uploads in progress, by video id, under <c>{DataPath}/growing</c>; and the signed internal URL through
/// which FFmpeg on any silo reads one while it grows (<c>GET /internal/sources/{videoId}?exp=…&amp;sig=…</c>).
/// </summary>
public sealed class GrowingSources(IOptions<StreamioOptions> options, IOptions<ProgressiveOptions> progressive, UploadUrlSigner signer, IServer server)
{
    /// <summary>How long a growing source's URL stays valid for the work of its video (retries read storage once the upload ends).</summary>
    private static readonly TimeSpan UrlLifetime = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, GrowingSource> _sources = new(StringComparer.Ordinal);

    public GrowingSource Start(string videoId)
    {
        if (videoId.Length is 0 or > 64 || !videoId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException($"'{videoId}' is not a video id.", nameof(videoId));
        }
        var source = new GrowingSource(Path.Combine(Path.GetFullPath(options.Value.DataPath), "growing", videoId));
        if (!_sources.TryAdd(videoId, source))
        {
            source.Dispose();
            throw new InvalidOperationException($"Video {videoId} already has an upload in progress on this node.");
        }
        return source;
    }

    /// <summary>The upload in progress on this node, if any.</summary>
    public GrowingSource? Find(string videoId) => _sources.GetValueOrDefault(videoId);

    /// <summary>Forgets the upload and deletes its scratch file (readers still open keep theirs until they close).</summary>
    public void Remove(string videoId)
    {
        if (_sources.TryRemove(videoId, out var source))
        {
            source.Dispose();
            File.Delete(source.Path);
        }
    }

    /// <summary>The path and query that read <paramref name="videoId"/>'s growing source until <paramref name="expiresAt"/>.</summary>
    public string PathFor(string videoId, DateTimeOffset expiresAt) => $"/internal/sources/{videoId}?{signer.QueryFor(Subject(videoId), expiresAt)}";

    /// <summary>The absolute URL silos read <paramref name="videoId"/>'s growing source from.</summary>
    public string UrlFor(string videoId, DateTimeOffset now) => new Uri(BaseUrl(), PathFor(videoId, now + UrlLifetime)).ToString();

    private Uri BaseUrl()
    {
        if (progressive.Value.SourceBaseUrl is { Length: > 0 } configured)
        {
            return new Uri(configured);
        }
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("This node listens on no address: set Streamio:Progressive:SourceBaseUrl.");
        var builder = new UriBuilder(listening.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = "127.0.0.1";
        }
        return builder.Uri;
    }

    public UploadUrlCheck Check(string videoId, long? expires, string? signature) => signer.Check(Subject(videoId), expires, signature);

    /// <summary>Signed apart from upload ids, so a read URL never authorises an upload's PUT.</summary>
    private static string Subject(string videoId) => $"source/{videoId}";
}
