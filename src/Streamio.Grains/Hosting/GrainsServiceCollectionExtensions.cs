using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Streamio.Grains.Planning;
using Streamio.Grains.Watermarks;
using Streamio.Grains.Work;

namespace Streamio.Grains.Hosting;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>What the video grains need on every silo: the encoding and silo settings.</summary>
    public static IServiceCollection AddStreamioGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EncodingOptions>(configuration.GetSection("Streamio:Encoding"));
        services.Configure<ForensicOptions>(configuration.GetSection("Streamio:Forensics"));
        services.Configure<SiloWorkOptions>(configuration.GetSection("Streamio:Silo"));
        services.Configure<DashOutputOptions>(configuration.GetSection(DashOutputOptions.SectionName));
        services.Configure<WatermarkOptions>(configuration.GetSection(WatermarkOptions.SectionName));
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// The silo's workers and what they run, and the start-up image reconciler (needs the media and storage services). Call after UseOrleans: hosted
    /// services stop in reverse order, so the workers drain while the silo can still take their reports.
    /// </summary>
    public static IServiceCollection AddStreamioWorkers(this IServiceCollection services)
    {
        services.AddSingleton<SegmentPublisher>();
        services.AddSingleton<EarlyFastStarts>();
        services.AddSingleton<IWorkRunner, ProbeRunner>();
        services.AddSingleton<IWorkRunner, ChunkRunner>();
        services.AddSingleton<IWorkRunner, AudioRunner>();
        services.AddSingleton<IWorkRunner, FinishRunner>();
        services.AddSingleton<Media.Forensics.GrayFrameReader>();
        services.AddSingleton<Forensics.LeakDetector>();
        services.AddSingleton<EncodeWorkerPool>();
        services.AddHostedService(provider => provider.GetRequiredService<EncodeWorkerPool>());
        services.AddSingleton<WatermarkRunner>();
        services.AddSingleton<WatermarkSessionHost>();
        services.AddHostedService(provider => provider.GetRequiredService<WatermarkSessionHost>());
        services.AddSingleton<ImageReconciler>();
        services.AddHostedService(provider => provider.GetRequiredService<ImageReconciler>());
        // The host must wait for the grace period (plus time to hand work back) before it gives up on stopping.
        services.AddOptions<Microsoft.Extensions.Hosting.HostOptions>().Configure<IOptions<SiloWorkOptions>>((host, silo) =>
        {
            var needed = TimeSpan.FromSeconds(silo.Value.ShutdownGraceSeconds + 15);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        return services;
    }
}
