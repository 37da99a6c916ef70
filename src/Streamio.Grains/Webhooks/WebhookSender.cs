using System.Text;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Projects;

namespace Streamio.Grains.Webhooks;

/// <summary>One signed HTTP POST of one event to one webhook; never throws for what the receiver or the network did.</summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhookOptions> options, TimeProvider time)
{
    public const string ClientName = "streamio-webhooks";

    public async Task<DeliveryAttempt> SendAsync(WebhookTarget target, string eventId, string eventType, string body, CancellationToken cancellationToken)
    {
        var timeoutSeconds = options.Value.TimeoutSeconds;
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Create(target.Secret, time.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.Add("Streamio-Event-Id", eventId);
        request.Headers.Add("Streamio-Event-Type", eventType);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new DeliveryAttempt(true, code, null)
                : new DeliveryAttempt(false, code, $"The receiver answered {code} {response.ReasonPhrase}; a 2xx acknowledges the event.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryAttempt(false, null, $"No answer within {timeoutSeconds} s.");
        }
        catch (HttpRequestException error)
        {
            return new DeliveryAttempt(false, null, error.Message);
        }
    }
}
