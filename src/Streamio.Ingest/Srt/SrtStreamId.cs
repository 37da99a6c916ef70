namespace Streamio.Ingest.Srt;

/// <summary>
/// What a publisher's SRT stream id asks for: the stream key, or why it cannot publish. Two forms are read: the plain
/// key (<c>streamid=KEY</c>) and SRT's access-control syntax <c>#!::r=KEY,m=publish</c> (keys <c>r</c> resource and
/// <c>m</c> mode; others such as <c>u</c>, <c>t</c>, <c>s</c> are ignored). A missing <c>m</c> counts as publish, as
/// this listener only takes publishers; <c>m=request</c> or <c>m=bidirectional</c> (playback) is refused.
/// </summary>
internal sealed record SrtStreamId(string? StreamKey, string? Refusal, int RejectCode)
{
    private const string AccessControlPrefix = "#!:";

    public static SrtStreamId Parse(string? streamId)
    {
        if (string.IsNullOrEmpty(streamId))
        {
            return Refuse("no stream id: publish to srt://host:port?streamid=KEY", SrtRejection.BadRequest);
        }

        if (!streamId.StartsWith(AccessControlPrefix, StringComparison.Ordinal))
        {
            return Key(streamId);
        }

        if (!streamId.StartsWith(AccessControlPrefix + ":", StringComparison.Ordinal))
        {
            return Refuse("only the flat access-control form '#!::r=KEY,m=publish' is understood", SrtRejection.BadRequest);
        }

        string? resource = null;
        string? mode = null;
        foreach (var pair in streamId[(AccessControlPrefix.Length + 1)..].Split(','))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return Refuse($"'{pair}' in the access-control stream id is not key=value", SrtRejection.BadRequest);
            }

            switch (pair[..equals])
            {
                case "r":
                    resource = pair[(equals + 1)..];
                    break;
                case "m":
                    mode = pair[(equals + 1)..];
                    break;
            }
        }

        if (mode is not (null or "publish"))
        {
            return Refuse($"m={mode}: SRT only takes publishers here (m=publish); play the stream over HLS", SrtRejection.BadMode);
        }

        return string.IsNullOrEmpty(resource)
            ? Refuse("the access-control stream id names no r=KEY", SrtRejection.BadRequest)
            : Key(resource);
    }

    private static SrtStreamId Key(string key) => new(key, null, 0);

    private static SrtStreamId Refuse(string reason, int code) => new(null, reason, code);
}
