using Streamio.Grains.Uploads;

namespace Streamio.Host.Uploads;

public static class UploadServiceCollectionExtensions
{
    /// <summary>Upload intents, upload URLs and their completion, and the shared way a source becomes a video.</summary>
    public static IServiceCollection AddStreamioUploads(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<UploadOptions>(configuration.GetSection("Streamio:Uploads"));
        services.AddSingleton<UploadGrain>();
        services.AddSingleton<UploadUrlSigner>();
        services.AddSingleton<UploadCompletion>();
        services.AddSingleton<VideoIntake>();
        return services;
    }
}
