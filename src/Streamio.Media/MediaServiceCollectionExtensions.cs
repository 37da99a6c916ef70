using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Media.Processes;

namespace Streamio.Media;

public static class MediaServiceCollectionExtensions
{
    /// <summary>Registers the FFmpeg prober and encoder; binds <see cref="FfmpegOptions"/> from "Streamio:Ffmpeg" when given a configuration.</summary>
    public static IServiceCollection AddStreamioMedia(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var optionsBuilder = services.AddOptions<FfmpegOptions>();
        if (configuration is not null)
        {
            optionsBuilder.Bind(configuration.GetSection(FfmpegOptions.SectionName));
        }

        services.AddSingleton<IProcessRunner, ProcessRunner>();
        services.AddSingleton<FfmpegRunner>();
        services.AddSingleton<IMediaProber, FfprobeProber>();
        services.AddSingleton<IMediaEncoder, FfmpegEncoder>();
        services.AddSingleton<Cmaf.CmafRemuxer>();
        return services;
    }
}
