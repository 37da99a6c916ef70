using Streamio.Abstractions.Work;
using Streamio.Grains.Tests.Projects;

namespace Streamio.Grains.Tests.Work;

/// <summary>
/// The cluster's parallelism as the scheduler learns it from the workers' polls (each says how many general workers its
/// silo runs): what sizes a new video's chunks. A poll that takes nothing still counts.
/// </summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class ClusterWorkersTests(ProjectsClusterFixture fixture)
{
    [Fact]
    public async Task Each_silo_counts_with_the_workers_its_polls_name_once_however_often_it_polls()
    {
        var scheduler = fixture.Grains.GetGrain<IWorkSchedulerGrain>(0);
        Assert.True(await scheduler.GetWorkersAsync() >= 1, "at least one, even before any silo said");
        static string NewSilo() => $"127.0.0.{Random.Shared.Next(2, 250)}:{Random.Shared.Next(20000, 60000)}@{Random.Shared.Next(1, int.MaxValue)}";
        var (first, second) = (NewSilo(), NewSilo());

        // int.MaxValue: no ticket is urgent enough, so these polls take nothing from the silos' real work.
        Assert.Null(await scheduler.TakeAsync(first, TimeSpan.Zero, int.MaxValue, siloWorkers: 5));
        var withFirst = await scheduler.GetWorkersAsync();
        Assert.True(withFirst >= 5);
        Assert.Null(await scheduler.TakeAsync(second, TimeSpan.Zero, int.MaxValue, siloWorkers: 3));
        Assert.Null(await scheduler.TakeAsync(second, TimeSpan.Zero, int.MaxValue, siloWorkers: 3));
        Assert.Equal(withFirst + 3, await scheduler.GetWorkersAsync());

        // A silo that now runs fewer workers says so on its next poll; a poll that names none changes nothing.
        Assert.Null(await scheduler.TakeAsync(second, TimeSpan.Zero, int.MaxValue, siloWorkers: 1));
        Assert.Null(await scheduler.TakeAsync(second, TimeSpan.Zero, int.MaxValue));
        Assert.Equal(withFirst + 1, await scheduler.GetWorkersAsync());
    }
}
