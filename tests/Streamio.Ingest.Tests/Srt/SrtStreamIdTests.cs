using Streamio.Ingest.Srt;

namespace Streamio.Ingest.Tests.Srt;

public sealed class SrtStreamIdTests
{
    [Theory]
    [InlineData("sk_live_abc123", "sk_live_abc123")]
    [InlineData("#!::r=sk_live_abc123,m=publish", "sk_live_abc123")]
    [InlineData("#!::m=publish,u=obs,r=sk_live_abc123", "sk_live_abc123")]
    [InlineData("#!::r=sk_live_abc123", "sk_live_abc123")]
    [InlineData("#!::r=a=b", "a=b")]
    public void The_key_is_read_from_the_plain_and_the_access_control_forms(string streamId, string key)
    {
        var parsed = SrtStreamId.Parse(streamId);

        Assert.Equal(key, parsed.StreamKey);
        Assert.Null(parsed.Refusal);
    }

    [Theory]
    [InlineData("#!::r=sk_live_abc123,m=request", 1405, "m=request")]
    [InlineData("#!::r=sk_live_abc123,m=bidirectional", 1405, "m=bidirectional")]
    [InlineData("#!::m=publish", 1400, "no r=KEY")]
    [InlineData("#!::r=,m=publish", 1400, "no r=KEY")]
    [InlineData("#!::r=k,junk", 1400, "'junk'")]
    [InlineData("#!:{r=k}", 1400, "flat access-control form")]
    [InlineData("", 1400, "no stream id")]
    [InlineData(null, 1400, "no stream id")]
    public void Playback_requests_and_unreadable_stream_ids_are_refused_with_a_reason(string? streamId, int code, string reason)
    {
        var parsed = SrtStreamId.Parse(streamId);

        Assert.Null(parsed.StreamKey);
        Assert.Equal(code, parsed.RejectCode);
        Assert.Contains(reason, parsed.Refusal, StringComparison.Ordinal);
    }
}
