using Streamio.Abstractions.Watermarks;
using Streamio.Grains.Tests.Projects;

namespace Streamio.Grains.Tests.Watermarks;

/// <summary>Admission of watermark sessions against the slots the silos report, on two real silos.</summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class WatermarkSlotsGrainTests(ProjectsClusterFixture fixture)
{
    // The two silos of the test cluster, as their session hosts would name themselves (membership knows them alive).
    private string SiloA => fixture.Cluster.Silos[0].SiloAddress.ToParsableString();

    private string SiloB => fixture.Cluster.Silos[1].SiloAddress.ToParsableString();

    [Fact]
    public async Task Sessions_are_admitted_against_free_slots_only_and_a_finished_run_frees_its_slot()
    {
        var slots = fixture.Grains.GetGrain<IWatermarkSlotsGrain>(0);
        Assert.False(await slots.OfferAsync("v/before-any-silo"), "no silo has reported a slot yet");

        Assert.Null(await slots.TakeAsync(SiloA, capacity: 2, running: 0, TimeSpan.Zero));
        Assert.True(await slots.OfferAsync("v/s1"));
        Assert.True(await slots.OfferAsync("v/s2"));
        Assert.True(await slots.OfferAsync("v/s1"), "offering a waiting session again changes nothing");
        Assert.False(await slots.OfferAsync("v/s3"), "two slots, two sessions waiting: full");

        Assert.Equal("v/s1", await slots.TakeAsync(SiloA, 2, 0, TimeSpan.Zero));
        Assert.Equal("v/s2", await slots.TakeAsync(SiloA, 2, 1, TimeSpan.Zero));
        Assert.Null(await slots.TakeAsync(SiloA, 2, 2, TimeSpan.Zero));
        Assert.False(await slots.OfferAsync("v/s3"), "both slots run a session");

        // Another silo joins with a slot of its own; a full silo is never handed more than its capacity.
        Assert.Null(await slots.TakeAsync(SiloB, 1, 0, TimeSpan.Zero));
        Assert.True(await slots.OfferAsync("v/s3"));
        Assert.Null(await slots.TakeAsync(SiloA, 2, 2, TimeSpan.Zero));
        Assert.Equal("v/s3", await slots.TakeAsync(SiloB, 1, 0, TimeSpan.Zero));
        Assert.False(await slots.OfferAsync("v/s4"));

        await slots.DoneAsync("v/s1");
        var view = await slots.GetViewAsync();
        Assert.Equal((1, 0), (view.Free, view.Waiting));
        Assert.True(await slots.OfferAsync("v/s4"));
        Assert.Equal("v/s4", await slots.TakeAsync(SiloA, 2, 1, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_waiting_silo_is_handed_a_session_the_moment_it_is_admitted()
    {
        var slots = fixture.Grains.GetGrain<IWatermarkSlotsGrain>(1);
        Assert.Null(await slots.TakeAsync(SiloA, 1, 0, TimeSpan.Zero));
        var taking = slots.TakeAsync(SiloA, 1, 0, TimeSpan.FromMinutes(5));

        Assert.True(await slots.OfferAsync("v/woken"));

        Assert.Equal("v/woken", await taking.WaitAsync(TimeSpan.FromMinutes(1)));
    }
}
