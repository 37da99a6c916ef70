using Streamio.Abstractions.Videos;

namespace Streamio.Grains.Tests.Videos;

/// <summary>The variant grain's CMAF side: its own CENC key and KID, and CMAF segments registered once, on one timescale.</summary>
[Collection(VideoClusterCollection.Name)]
public sealed class VariantCmafTests(VideoClusterFixture fixture)
{
    private static readonly RenditionPlan Rung = new("360p", 640, 360, 800, false);

    private async Task<IVariantGrain> CreateAsync(bool cmaf)
    {
        var videoId = $"v_{Guid.NewGuid():N}";
        var variant = fixture.Grains.GetGrain<IVariantGrain>(VariantKeys.Of(videoId, Rung.Name));
        await variant.InitializeAsync(new VariantPlan(videoId, "p_cmaf", Rung, 3, cmaf));
        return variant;
    }

    [Fact]
    public async Task A_cmaf_rendition_gets_a_cenc_key_and_kid_of_its_own_beside_its_hls_key()
    {
        var variant = await CreateAsync(cmaf: true);
        var cenc = (await variant.GetCencKeyAsync())!;
        Assert.Equal(16, cenc.Key.Length);
        Assert.Equal(16, cenc.KeyId.Length);
        Assert.NotEqual(await variant.GetKeyAsync(), cenc.Key);
        var view = (await variant.GetAsync())!;
        Assert.True(view.HasCmaf);
        Assert.Equal(cenc.KeyId, view.CencKeyId);
        // Another rendition, another key.
        Assert.NotEqual(cenc.Key, (await (await CreateAsync(cmaf: true)).GetCencKeyAsync())!.Key);
    }

    [Fact]
    public async Task Cmaf_segments_register_once_in_order_of_index_and_only_on_the_renditions_timescale()
    {
        var variant = await CreateAsync(cmaf: true);
        Assert.Equal(RegisterOutcome.Registered, (await variant.RegisterCmafSegmentAsync(1, 486000, 90000)).Outcome);
        Assert.Equal(RegisterOutcome.Registered, (await variant.RegisterCmafSegmentAsync(0, 126000, 90000)).Outcome);
        Assert.Equal(RegisterOutcome.Duplicate, (await variant.RegisterCmafSegmentAsync(0, 999, 90000)).Outcome);
        await Assert.ThrowsAsync<InvalidOperationException>(() => variant.RegisterCmafSegmentAsync(2, 846000, 48000));

        var view = (await variant.GetAsync())!;
        Assert.Equal(90000, view.CmafTimescale);
        Assert.Equal([126000L, 486000L], view.CmafContiguousStarts);
        // The TS segments are not all there: not playable over DASH yet.
        Assert.False(view.CmafComplete);
        for (var index = 0; index < 3; index++)
        {
            await variant.RegisterSegmentAsync(index, 4);
        }
        Assert.False((await variant.GetAsync())!.CmafComplete);
        await variant.RegisterCmafSegmentAsync(2, 846000, 90000);
        Assert.True((await variant.GetAsync())!.CmafComplete);
    }

    [Fact]
    public async Task A_rendition_without_cmaf_output_has_no_cenc_key_and_refuses_cmaf_segments()
    {
        var variant = await CreateAsync(cmaf: false);
        Assert.Null(await variant.GetCencKeyAsync());
        var view = (await variant.GetAsync())!;
        Assert.False(view.HasCmaf);
        Assert.Null(view.CencKeyId);
        await Assert.ThrowsAsync<InvalidOperationException>(() => variant.RegisterCmafSegmentAsync(0, 0, 90000));
    }

    [Fact]
    public async Task A_deleted_variant_answers_gone_to_a_late_cmaf_segment()
    {
        var variant = await CreateAsync(cmaf: true);
        await variant.DeleteAsync();
        Assert.Equal(RegisterOutcome.Gone, (await variant.RegisterCmafSegmentAsync(0, 0, 90000)).Outcome);
    }
}
