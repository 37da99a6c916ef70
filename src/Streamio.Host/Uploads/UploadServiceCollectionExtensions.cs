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
        services.Configure<Progressive.ProgressiveOptions>(configuration.GetSection("Streamio:Progressive"));
        services.AddSingleton<Progressive.GrowingSources>();
        services.AddSingleton<Progressive.ProgressiveIntake>();
        services.TryAddSingleton<VideoIntake>();
        return services;
    }
}
