using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Streamio.Host.Auth;

namespace Streamio.Host.Live;

public static class LiveServiceCollectionExtensions
{
    /// <summary>SignalR with the HTTP API's JSON settings, so a <c>videoUpdated</c> is byte-for-byte the GET shape.</summary>
    public static IServiceCollection AddStreamioLive(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddOptions<JsonHubProtocolOptions>()
            .Configure<IOptions<JsonOptions>>((hub, http) => hub.PayloadSerializerOptions = http.Value.SerializerOptions);
        services.AddSingleton<VideoAccess>();
        services.AddSingleton<VideoSubscriptions>();
        services.AddHostedService<VideoUpdatesPublisher>();
        services.AddSingleton<LiveStreamAccess>();
        services.AddSingleton<LiveSubscriptions>();
        services.AddHostedService<LiveUpdatesPublisher>();
        return services;
    }


    public static IEndpointRouteBuilder MapStreamioLive(this IEndpointRouteBuilder app)
    {
        app.MapHub<VideoHub>(VideoHub.Path).RequireProject();
        return app;
    }
}
