namespace Streamio.Ingest.Tests;

public sealed class IngestContractTests
{
    [Fact]
    public void A_refusal_names_no_live_stream()
    {
        var refusal = PublishDecision.Refuse("unknown key");

        Assert.False(refusal.Accepted);
        Assert.Null(refusal.LiveStreamId);
        Assert.Equal("unknown key", refusal.Reason);
    }
}
