using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Backbone;
using Streamio.Grains.Planning;
using Streamio.Grains.Uploads;
using Streamio.Grains.Projects;
using Streamio.Grains.Videos;
using Streamio.Grains.Work;

namespace Streamio.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>The video and variant grains and the read side; needed on every node.</summary>
    public static IServiceCollection AddStreamioGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EncodingOptions>(configuration.GetSection("Streamio:Encoding"));
        services.AddSingleton<VideoGrain>();
        services.AddSingleton<VariantGrain>();
        services.AddSingleton<VideoCatalog>();
        services.AddSingleton<TusUploadGrain>();
        services.AddSingleton<ProjectGrain>();
        services.AddSingleton<WebhookDeliveries>();
        return services;
    }

    /// <summary>The work a silo runs for videos (needs the media services), plus the start-up reconciler.</summary>
    public static IServiceCollection AddStreamioVideoWork(this IServiceCollection services)
    {
        services.AddSingleton<SegmentPublisher>();
        services.AddSingleton<IWorkHandler, ProbeHandler>();
        services.AddSingleton<IWorkHandler, EncodeChunkHandler>();
        services.AddSingleton<IWorkHandler, EncodeAudioHandler>();
        services.AddSingleton<IWorkHandler, SyncHandler>();
        services.AddSingleton<IWorkHandler, FinishHandler>();
        services.AddSingleton<ImageReconciler>();
        services.AddHostedService(provider => provider.GetRequiredService<ImageReconciler>());
        return services;
    }
}
