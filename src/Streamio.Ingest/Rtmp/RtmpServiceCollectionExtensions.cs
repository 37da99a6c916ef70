using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Streamio.Ingest.Rtmp;

public static class RtmpServiceCollectionExtensions
{
    /// <summary>
    /// The RTMP ingest server as a hosted service, configured from <c>Streamio:Live:Rtmp</c>. It resolves
    /// <see cref="IPublishAuthorizer"/> and <see cref="IPublishHandler"/>, which the caller registers.
    /// </summary>
    public static IServiceCollection AddRtmpIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RtmpIngestOptions>(configuration.GetSection(RtmpIngestOptions.SectionName));
        services.AddSingleton<RtmpIngestServer>();
        services.AddHostedService(provider => provider.GetRequiredService<RtmpIngestServer>());
        return services;
    }
}
