using System.CommandLine;
using System.Text.Json.Nodes;
namespace Streamio.Cli.Commands;

/// <summary>The `streamio` command tree and how a run ends: every failure is one line on stderr and a documented exit code.</summary>
public static class CliApp
{
    public static Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand($"Streamio from the command line: upload (resumable, with live encode progress), list, play and delete videos; create and play live streams; manage keys, webhooks; watch the cluster.\n{ExitCodes.HelpText}");
        foreach (var option in GlobalOptions.All)
        {
            root.Options.Add(option);
        }
        foreach (var command in (Command[])[
            UploadCommand.Create(console), .. VideoCommands.Create(console), ProjectCommands.Create(console), KeyCommands.Create(console),
            WebhookCommands.Create(console), LiveCommands.Create(console), ClusterCommand.Create(console), ConfigCommands.Create(console)])
        {
            root.Subcommands.Add(command);
        }
        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            // Ctrl+C cancels the running command's token (an upload stops and can resume); only the real process listens for it.
            ProcessTerminationTimeout = ReferenceEquals(console, CliConsole.System) ? TimeSpan.FromSeconds(5) : null,
        };
        return root.Parse(args).InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>Gives <paramref name="command"/> its action, run with a fresh <see cref="CliContext"/> and turned into an exit code.</summary>
    public static Command Runs(this Command command, CliConsole console, Func<CliContext, ParseResult, CancellationToken, Task> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var context = new CliContext(console, GlobalOptions.Read(parse));
            try
            {
                await action(context, parse, cancellationToken);
                return ExitCodes.Ok;
            }
            catch (CliException error) when (error.Reported)
            {
                return error.ExitCode;
            }
            catch (CliException error)
            {
                return Fail(context, error.ExitCode, error.Message, error.HttpStatus);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Fail(context, ExitCodes.Interrupted, "Interrupted.", null);
            }
        });
        return command;
    }

    private static int Fail(CliContext context, int exitCode, string message, int? status)
    {
        context.Console.Error.WriteLine($"error: {message}");
        if (context.Json)
        {
            context.WriteJson(new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["exitCode"] = exitCode, ["status"] = status } });
        }
        return exitCode;
    }
}
