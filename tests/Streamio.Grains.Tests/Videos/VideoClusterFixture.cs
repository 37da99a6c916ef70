using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Streamio.Cluster;
using Streamio.Grains.Work;
using Streamio.Media;
using Streamio.Storage;
using Streamio.Testing;

using Streamio.Grains.Hosting;

namespace Streamio.Grains.Tests.Videos;

/// <summary>
/// Three in-process silos (Orleans TestingHost) that run Streamio's grains, encoding workers and live ingest handler for real: FFmpeg, the
/// local disk, and grain state and reminders on SQLite through Orleans' ADO.NET providers (so a killed silo loses no
/// state). Short membership timings make a killed silo declared dead within seconds.
/// </summary>
public sealed class VideoClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("streamio-grains-");

    public TestCluster Cluster { get; private set; } = null!;

    public string ObjectsPath => _data.Combine("objects");

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var database = $"Data Source={_data.Combine("streamio.db")}";
        var builder = new TestClusterBuilder(3);
        var settings = new Dictionary<string, string?>
        {
            ["Streamio:Database:ConnectionString"] = database,
            ["Streamio:Storage:LocalPath"] = ObjectsPath,
            ["Streamio:Encoding:WorkPath"] = _data.Combine("work"),
            ["Streamio:Encoding:SegmentSeconds"] = "1",
            ["Streamio:Encoding:SegmentsPerChunk"] = "2",
            ["Streamio:Encoding:MaxSegmentsPerChunk"] = "2",
            ["Streamio:Encoding:Ladder:0:Name"] = "360p",
            ["Streamio:Encoding:Ladder:0:Width"] = "640",
            ["Streamio:Encoding:Ladder:0:Height"] = "360",
            ["Streamio:Encoding:Ladder:0:VideoKbps"] = "800",
            ["Streamio:Encoding:Ladder:1:Name"] = "240p",
            ["Streamio:Encoding:Ladder:1:Width"] = "426",
            ["Streamio:Encoding:Ladder:1:Height"] = "240",
            ["Streamio:Encoding:Ladder:1:VideoKbps"] = "400",
            ["Streamio:Silo:Workers"] = "1",
            ["Streamio:Silo:RetryDelaySeconds"] = "0.2",
            ["Streamio:Silo:CheckSeconds"] = "2",
            ["Streamio:Ffmpeg:Preset"] = "ultrafast",
            ["Streamio:Live:ReconnectGraceSeconds"] = "3",
            ["Streamio:Live:Preset"] = "ultrafast",
            ["Streamio:Live:CurrentPollSeconds"] = "0.5",
        };
        foreach (var (key, value) in settings)
        {
            builder.Properties[key] = value!;
        }
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _data.Dispose();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var configuration = silo.Configuration;
            // Production's database side (schema, grain storage and reminders on SQLite); TestingHost does the clustering.
            silo.AddStreamioPersistence(configuration);
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
            });
            silo.Services.AddStreamioStorage(configuration);
            silo.Services.AddStreamioMedia(configuration);
            silo.Services.AddStreamioGrains(configuration);
            silo.Services.AddStreamioWorkers();
            silo.Services.AddStreamioLiveStreams(configuration);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class VideoClusterCollection : ICollectionFixture<VideoClusterFixture>
{
    public const string Name = "video cluster";
}
