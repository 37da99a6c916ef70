using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Streamio.Ingest.Srt;

public static class SrtIngestServiceCollectionExtensions
{
    /// <summary>
    /// The SRT ingest server as a hosted service (options from <c>Streamio:Live:Srt</c>). It needs an
    /// <see cref="IPublishAuthorizer"/> and an <see cref="IPublishHandler"/> registered beside it.
    /// </summary>
    public static IServiceCollection AddSrtIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SrtIngestOptions>().Bind(configuration.GetSection(SrtIngestOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SrtIngestOptions>, SrtIngestOptionsValidator>();
        services.AddSingleton<SrtIngestServer>();
        services.AddHostedService(provider => provider.GetRequiredService<SrtIngestServer>());
        return services;
    }

    private sealed class SrtIngestOptionsValidator : IValidateOptions<SrtIngestOptions>
    {
        public ValidateOptionsResult Validate(string? name, SrtIngestOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
