using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Streamio.Backbone;
using Streamio.Grains.Projects;
using Streamio.Grains.Videos;
using Streamio.Grains.Work;
using Streamio.Host.Api;

namespace Streamio.Host.Webhooks;

/// <summary>The body every delivery of an event carries: the video has the shape of GET /v1/videos/{id}.</summary>
public sealed record WebhookEventBody(string Id, string Type, DateTimeOffset CreatedAt, VideoResponse Video);

/// <summary>Turns one committed video event into one recorded delivery per subscribed webhook of the video's project.</summary>
public sealed partial class WebhookFanoutHandler(ProjectGrain projects, VariantGrain variants, WebhookDeliveries deliveries, ILogger<WebhookFanoutHandler> logger)
    : IWorkHandler
{
    public string Kind => WebhookWork.Fanout;

    public async Task HandleAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        var work = WorkKinds.Read<FanoutWork>(lease);
        var project = await projects.ReadAsync(work.Video.ProjectId, cancellationToken);
        var subscribed = project?.Webhooks.Where(webhook => webhook.Events.Contains(work.Type)).ToList() ?? [];
        if (subscribed.Count == 0)
        {
            return;
        }
        // The state as the event committed it (status matches the event), with the renditions as they are now.
        var renditions = work.Video.Plan is null ? [] : await variants.ReadAllAsync(work.Video.Id, cancellationToken);
        var video = VideoResponse.From(new VideoSnapshot(work.Video, renditions, work.VideoCreatedAt, work.OccurredAt));
        var body = JsonSerializer.Serialize(new WebhookEventBody(work.EventId, work.Type, work.OccurredAt, video), GrainRuntime.Json);
        await deliveries.FanOutAsync(work, subscribed.Select(webhook => (webhook, body)).ToList(), lease, cancellationToken);
    }

    public Task OnExhaustedAsync(WorkLease lease, string error, CancellationToken cancellationToken)
    {
        LogFanoutAbandoned(lease.WorkId, error);
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Error, "Webhook fan-out #{WorkId} was abandoned after every attempt failed: {Error}")]
    private partial void LogFanoutAbandoned(long workId, string error);
}

/// <summary>One HTTP attempt of one delivery; the outcome and the next attempt (if any) are committed together.</summary>
public sealed class WebhookDeliveryHandler(
    ProjectGrain projects, WebhookDeliveries deliveries, IHttpClientFactory clients, IOptions<WebhookOptions> options, TimeProvider time) : IWorkHandler
{
    public const string ClientName = "streamio-webhooks";

    public string Kind => WebhookWork.Deliver;

    public async Task HandleAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        var work = WorkKinds.Read<DeliverWork>(lease);
        if (await deliveries.ReadAsync(work.WebhookId, work.EventId, cancellationToken) is not { Status: DeliveryStatus.Pending or DeliveryStatus.Retrying } delivery
            || (await projects.ReadAsync(work.ProjectId, cancellationToken))?.Webhook(work.WebhookId) is not { } webhook)
        {
            return; // Delivered already, or the webhook was deleted (with its deliveries).
        }
        var attempt = await SendAsync(webhook, delivery, cancellationToken);
        await deliveries.RecordAttemptAsync(work, attempt.Delivered ? attempt : attempt with { RetryAfter = NextDelay(delivery) }, lease, cancellationToken);
    }

    public Task OnExhaustedAsync(WorkLease lease, string error, CancellationToken cancellationToken) =>
        deliveries.RecordAttemptAsync(WorkKinds.Read<DeliverWork>(lease), new DeliveryAttempt(false, null, error, null), lease, cancellationToken);

    private async Task<DeliveryAttempt> SendAsync(WebhookRecord webhook, WebhookDeliveryState delivery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Create(webhook.Secret, time.GetUtcNow().ToUnixTimeSeconds(), delivery.Body));
        request.Headers.Add("Streamio-Event-Id", delivery.EventId);
        request.Headers.Add("Streamio-Event-Type", delivery.EventType);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new DeliveryAttempt(true, code, null, null)
                : new DeliveryAttempt(false, code, $"The receiver answered {code} {response.ReasonPhrase}; a 2xx acknowledges the event.", null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryAttempt(false, null, $"No answer within {options.Value.TimeoutSeconds} s.", null);
        }
        catch (HttpRequestException error)
        {
            return new DeliveryAttempt(false, null, error.Message, null);
        }
    }

    /// <summary>Doubling from FirstRetrySeconds up to MaxRetryIntervalSeconds; null once the next attempt would be past RetryForHours.</summary>
    private TimeSpan? NextDelay(WebhookDeliveryState delivery)
    {
        var settings = options.Value;
        var delay = TimeSpan.FromSeconds(Math.Min(settings.MaxRetryIntervalSeconds, settings.FirstRetrySeconds * Math.Pow(2, delivery.Attempts)));
        return time.GetUtcNow() + delay - delivery.CreatedAt > TimeSpan.FromHours(settings.RetryForHours) ? null : delay;
    }
}

public static class WebhookServiceCollectionExtensions
{
    /// <summary>The webhook work a silo runs: fan-out and delivery (registered on every node with the silo role).</summary>
    public static IServiceCollection AddStreamioWebhookWork(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection("Streamio:Webhooks"));
        // No redirects: a receiver must not bounce a signed delivery somewhere else.
        services.AddHttpClient(WebhookDeliveryHandler.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton<IWorkHandler, WebhookFanoutHandler>();
        services.AddSingleton<IWorkHandler, WebhookDeliveryHandler>();
        return services;
    }
}
