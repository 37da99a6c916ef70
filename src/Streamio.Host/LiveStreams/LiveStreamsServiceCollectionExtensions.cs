namespace Streamio.Host.LiveStreams;

public static class LiveStreamsServiceCollectionExtensions
{
    /// <summary>The API's read side of live streams and the publish URLs it shows (<c>Streamio:Live:PublicHost</c> and the ingest ports).</summary>
    public static IServiceCollection AddStreamioLiveStreamCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<LiveAddressOptions>(configuration.GetSection("Streamio:Live"));
        services.AddSingleton<LiveStreamCatalog>();
        services.AddSingleton<LiveIngestAddresses>();
        return services;
    }
}
