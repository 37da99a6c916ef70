using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Streamio.Host.Uploads;

public static class UploadServiceCollectionExtensions
{
    /// <summary>Upload URLs and their completion (the intents are grains), and the shared way a source becomes a video.</summary>
    public static IServiceCollection AddStreamioUploads(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<UploadOptions>(configuration.GetSection("Streamio:Uploads"));
        services.AddSingleton<UploadUrlSigner>();
        services.AddSingleton<UploadCompletion>();
        services.AddSingleton<Progressive.GrowingSources>();
        services.TryAddSingleton<VideoIntake>();
        return services;
    }
}
