using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Grains.Live;
using Streamio.Ingest;
using Streamio.Media.Live;

namespace Streamio.Grains.Hosting;

public static class LiveStreamsServiceCollectionExtensions
{
    /// <summary>
    /// What a silo needs to take live publishers: the live settings (<c>Streamio:Live</c>), the stream-key authorizer and
    /// the handler the RTMP and SRT servers hand accepted publishers to (needs the media and storage services).
    /// </summary>
    public static IServiceCollection AddStreamioLiveStreams(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<LiveOptions>(configuration.GetSection(LiveOptions.SectionName));
        services.AddSingleton<LiveSourceProbe>();
        services.AddSingleton<IPublishAuthorizer, LivePublishAuthorizer>();
        services.AddSingleton<IPublishHandler, LivePublishHandler>();
        return services;
    }
}
