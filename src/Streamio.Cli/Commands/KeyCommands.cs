using System.CommandLine;
using System.Text.Json.Nodes;
using Streamio.Cli.Api;
using Streamio.Cli.Output;

namespace Streamio.Cli.Commands;

/// <summary>`keys create|ls|rotate|revoke` (admin key): a project's API keys. A new key is shown once.</summary>
public static class KeyCommands
{
    public static Command Create(CliConsole console)
    {
        var project = new Argument<string>("PROJECT_ID") { Description = "The project (p_…)" };
        var keyId = new Argument<string>("KEY_ID") { Description = "The key's id (from `streamio keys ls`)" };

        var name = new Option<string?>("--name") { Description = "A name to tell the key by" };
        var create = new Command("create", "Create an API key (printed once: keep it)") { project, name }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["name"] = parse.GetValue(name) }.ToJsonString();
            context.Print(await context.Admin.PostAsync($"{KeysPath(parse, project)}", body, cancellationToken), result => PrintKey(context, result));
        });

        var list = new Command("ls", "List a project's keys (ids, prefixes, status; never the keys)") { project }.Runs(console, async (context, parse, cancellationToken) =>
            context.Print(await context.Admin.GetAsync(KeysPath(parse, project), cancellationToken), result =>
            {
                var table = new TextTable("ID", "PREFIX", "STATUS", "CREATED", "EXPIRES", "NAME");
                foreach (var key in result.Read(ApiJson.Default.ItemListKeyItem).Items)
                {
                    table.Add(key.Id, key.Prefix, key.Status, Format.Time(key.CreatedAt), key.ExpiresAt is { } expires ? Format.Time(expires) : null, key.Name);
                }
                table.WriteTo(context.Out);
            }));

        var overlap = new Option<int?>("--overlap") { Description = "Seconds the old key keeps working (0-604800; default 0: it stops at once)" };
        var rotate = new Command("rotate", "Replace a key with a new one (printed once)") { project, keyId, overlap }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["overlapSeconds"] = parse.GetValue(overlap) }.ToJsonString();
            var path = $"{KeysPath(parse, project)}/{Uri.EscapeDataString(parse.GetValue(keyId)!)}/rotate";
            context.Print(await context.Admin.PostAsync(path, body, cancellationToken), result => PrintKey(context, result));
        });

        var revoke = new Command("revoke", "Revoke a key at once") { project, keyId }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var id = parse.GetValue(keyId)!;
            await context.Admin.DeleteAsync($"{KeysPath(parse, project)}/{Uri.EscapeDataString(id)}", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(new JsonObject { ["revoked"] = id });
            }
            else
            {
                context.Out.WriteLine($"revoked {id}");
            }
        });
        return new Command("keys", "A project's API keys (admin key)") { create, list, rotate, revoke };
    }

    private static string KeysPath(ParseResult parse, Argument<string> project) => $"v1/projects/{Uri.EscapeDataString(parse.GetValue(project)!)}/keys";

    private static void PrintKey(CliContext context, ApiResult result)
    {
        var key = result.Read(ApiJson.Default.CreatedKey);
        context.Out.WriteLine($"id      {key.Id}");
        context.Out.WriteLine($"prefix  {key.Prefix}");
        context.Out.WriteLine($"key     {key.Key}");
        context.Console.Error.WriteLine("This is the only time the key is shown: keep it (e.g. `streamio config set api-key <key>`).");
    }
}
