using System.CommandLine;
using Streamio.Cli.Api;
using System.Text.Json.Nodes;
using Streamio.Cli.Output;

namespace Streamio.Cli.Commands;

/// <summary>`projects create|ls` (admin key): the projects that keys and videos belong to.</summary>
public static class ProjectCommands
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string>("NAME") { Description = "The project's name" };
        var create = new Command("create", "Create a project") { name }.Runs(console, async (context, parse, cancellationToken) =>
        {
            var result = await context.Admin.PostAsync("v1/projects", new JsonObject { ["name"] = parse.GetValue(name) }.ToJsonString(), cancellationToken);
            context.Print(result, created =>
            {
                var project = created.Read(ApiJson.Default.ProjectItem);
                context.Out.WriteLine($"{project.Id}  {project.Name}");
            });
        });
        var list = new Command("ls", "List projects").Runs(console, async (context, parse, cancellationToken) =>
            context.Print(await context.Admin.GetAsync("v1/projects", cancellationToken), result =>
            {
                var table = new TextTable("ID", "KEYS", "WEBHOOKS", "CREATED", "NAME");
                foreach (var project in result.Read(ApiJson.Default.ItemListProjectItem).Items)
                {
                    table.Add(project.Id, $"{project.ActiveKeys}", $"{project.Webhooks}", Format.Time(project.CreatedAt), project.Name);
                }
                table.WriteTo(context.Out);
            }));
        return new Command("projects", "Projects (admin key)") { create, list };
    }
}
