using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Work;
using Streamio.Grains.Tests.Projects;
using Streamio.Grains.Work;

namespace Streamio.Grains.Tests.Work;

/// <summary>
/// A silo's worker pool stopping against the real scheduler grain: its workers long-poll the scheduler, and a ticket the
/// scheduler hands to a poll as the silo stops must go back to the queue, not to a caller that has gone.
/// </summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class WorkerShutdownTests(ProjectsClusterFixture fixture)
{
    /// <summary>More urgent than any real ticket, so this pool takes this test's ticket and another taker nothing else.</summary>
    private const int Priority = int.MaxValue - 1;

    [Fact]
    public async Task A_ticket_queued_while_the_pool_stops_goes_back_to_the_queue_for_another_silo()
    {
        var scheduler = fixture.Grains.GetGrain<IWorkSchedulerGrain>(0);
        var silo = new PoolSilo(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, Random.Shared.Next(20000, 60000)), Random.Shared.Next(1, int.MaxValue)));
        using var pool = new EncodeWorkerPool(fixture.Grains, silo, [],
            Options.Create(new SiloWorkOptions { Workers = 1, FastLaneWorkers = 0, ShutdownGraceSeconds = 0 }), NullLogger<EncodeWorkerPool>.Instance);
        await pool.StartAsync(CancellationToken.None);
        // Its worker's poll is open at the scheduler once the scheduler has heard of the silo.
        var address = silo.SiloAddress.ToParsableString();
        while ((await scheduler.GetViewAsync()).WorkersBySilo?.ContainsKey(address) != true)
        {
            await Task.Delay(20);
        }

        // Shutdown begins while the poll is open; the ticket comes right after, before the poll's wait is over.
        var stopping = pool.StopAsync(CancellationToken.None);
        var ticket = new WorkTicket($"v_shutdown_{Guid.NewGuid():N}", 3, Priority, default);
        await scheduler.EnqueueAsync([ticket]);
        await stopping;

        // Another silo gets it: it was neither run by the stopping pool nor left with its finished poll.
        var other = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1), 1).ToParsableString();
        var taken = await scheduler.TakeAsync(other, TimeSpan.FromSeconds(30), Priority);
        Assert.Equal((ticket.VideoId, ticket.ItemId), taken is null ? default : (taken.VideoId, taken.ItemId));
        await scheduler.DoneAsync(ticket.VideoId, ticket.ItemId);
    }

    private sealed record PoolSilo(SiloAddress SiloAddress) : ILocalSiloDetails
    {
        public string Name => "worker-shutdown-test";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress GatewayAddress => SiloAddress;
    }
}
