using System.CommandLine;
using Streamio.Cli.Api;
using System.Text.Json.Nodes;
using Streamio.Cli.Output;

namespace Streamio.Cli.Commands;

/// <summary>`webhooks create|ls|rm|deliveries`: the key's project's webhooks. The signing secret is shown once.</summary>
public static class WebhookCommands
{
    public static Command Create(CliConsole console)
    {
        var url = new Argument<string>("URL") { Description = "Where events are POSTed (http or https)" };
        var events = new Option<string[]>("--event", "-e")
        {
            Description = "An event to send (repeatable): video.created, video.playable, video.ready, video.failed, video.deleted, live.connected, live.ended, live.recording.ready (default: all)",
        };
        var create = new Command("create", "Register a webhook (its signing secret is printed once)") { url, events }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["url"] = parse.GetValue(url), ["events"] = new JsonArray([.. (parse.GetValue(events) ?? []).Select(e => (JsonNode)e)]) };
            context.Print(await context.Api.PostAsync("v1/webhooks", body.ToJsonString(), cancellationToken), result =>
            {
                var webhook = result.Read(ApiJson.Default.WebhookItem);
                context.Out.WriteLine($"id      {webhook.Id}");
                context.Out.WriteLine($"url     {webhook.Url}");
                context.Out.WriteLine($"events  {string.Join(", ", webhook.Events)}");
                context.Out.WriteLine($"secret  {webhook.Secret}");
                context.Console.Error.WriteLine("This is the only time the secret is shown: keep it to verify Streamio-Signature.");
            });
        });

        var list = new Command("ls", "List webhooks").Runs(console, async (context, parse, cancellationToken) =>
            context.Print(await context.Api.GetAsync("v1/webhooks", cancellationToken), result =>
            {
                var table = new TextTable("ID", "CREATED", "EVENTS", "URL");
                foreach (var webhook in result.Read(ApiJson.Default.ItemListWebhookItem).Items)
                {
                    table.Add(webhook.Id, Format.Time(webhook.CreatedAt), string.Join(",", webhook.Events), webhook.Url);
                }
                table.WriteTo(context.Out);
            }));

        var id = new Argument<string>("WEBHOOK_ID") { Description = "The webhook's id" };
        var remove = new Command("rm", "Delete a webhook and its delivery log") { id }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var webhookId = parse.GetValue(id)!;
            await context.Api.DeleteAsync(WebhookPath(webhookId), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(new JsonObject { ["deleted"] = webhookId });
            }
            else
            {
                context.Out.WriteLine($"deleted {webhookId}");
            }
        });

        var limit = new Option<int?>("--limit", "-n") { Description = "Deliveries to show (1-500, default 100)" };
        var deliveries = new Command("deliveries", "A webhook's deliveries, newest first") { id, limit }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var path = $"{WebhookPath(parse.GetValue(id)!)}/deliveries" + (parse.GetValue(limit) is { } n ? $"?limit={n}" : "");
            context.Print(await context.Api.GetAsync(path, cancellationToken), result =>
            {
                var table = new TextTable("EVENT", "TYPE", "VIDEO", "STATUS", "ATTEMPTS", "CODE", "CREATED", "LAST ERROR");
                foreach (var delivery in result.Read(ApiJson.Default.ItemListDeliveryItem).Items)
                {
                    table.Add(delivery.EventId, delivery.EventType, delivery.VideoId, delivery.Status, $"{delivery.Attempts}",
                        delivery.ResponseCode?.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Time(delivery.CreatedAt), delivery.LastError);
                }
                table.WriteTo(context.Out);
            });
        });
        return new Command("webhooks", "Webhooks of the key's project") { create, list, remove, deliveries };
    }

    private static string WebhookPath(string id) => $"v1/webhooks/{Uri.EscapeDataString(id)}";
}
