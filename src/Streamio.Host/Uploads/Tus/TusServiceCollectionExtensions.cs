using Microsoft.Extensions.Options;

namespace Streamio.Host.Uploads.Tus;

public static class TusServiceCollectionExtensions
{
    /// <summary>Resumable (tus) uploads on an API node: the part store, scratch space, finisher, sweeper and CORS policy.</summary>
    public static IServiceCollection AddStreamioTus(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TusOptions>(configuration.GetSection("Streamio:Tus"));
        services.AddSingleton<TusPartStore>();
        services.AddSingleton<TusScratch>();
        services.AddSingleton<TusFinisher>();
        services.AddSingleton<TusSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<TusSweeper>());
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<TusOptions>>((cors, tus) =>
            cors.AddPolicy(Api.TusEndpoints.CorsPolicy, policy =>
            {
                var origins = tus.Value.CorsOrigins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (origins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins(origins);
                }
                policy.WithMethods("POST", "HEAD", "PATCH", "DELETE", "GET", "OPTIONS")
                    .WithHeaders(TusProtocol.RequestHeaders)
                    .WithExposedHeaders(TusProtocol.ResponseHeaders)
                    .SetPreflightMaxAge(TimeSpan.FromHours(1));
            }));
        return services;
    }
}
