using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Streamio.Grains.Webhooks;


namespace Streamio.Grains.Hosting;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>What the webhook delivery grains need on every silo: their settings and the HTTP client that posts the events.</summary>
    public static IServiceCollection AddStreamioWebhookDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection("Streamio:Webhooks"));
        services.TryAddSingleton(TimeProvider.System);
        // No redirects: a receiver must not bounce a signed delivery somewhere else. The sender applies its own timeout.
        services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.TryAddSingleton<WebhookSender>();
        return services;
    }
}
