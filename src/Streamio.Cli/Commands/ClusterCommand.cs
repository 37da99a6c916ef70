using System.CommandLine;
using Streamio.Cli.Api;
using Streamio.Cli.Output;

namespace Streamio.Cli.Commands;

/// <summary>`cluster` (admin key): the silos Orleans membership lists and the work in flight; `--watch` refreshes it.</summary>
public static class ClusterCommand
{
    public static Command Create(CliConsole console)
    {
        var watch = new Option<bool>("--watch", "-w") { Description = "Refresh until Ctrl+C (with --json: one JSON line per refresh)" };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes with --watch", DefaultValueFactory = _ => 2 };
        return new Command("cluster", "Show the cluster's silos and work (admin key)") { watch, interval }.Runs(console, async (context, parse, cancellationToken) =>
        {
            if (!parse.GetValue(watch))
            {
                context.Print(await context.Admin.GetAsync("v1/cluster", cancellationToken), result => Write(context.Out, result.Read(ApiJson.Default.ClusterView)));
                return;
            }
            var every = TimeSpan.FromSeconds(Math.Max(parse.GetValue(interval), 0.2));
            try
            {
                while (true)
                {
                    var result = await context.Admin.GetAsync("v1/cluster", cancellationToken);
                    if (context.Json)
                    {
                        context.Out.WriteLine(CliContext.Parse(result.Text)!.ToJsonString(CliContext.Compact));
                    }
                    else
                    {
                        // On a terminal the view is redrawn in place; in a pipe or log each refresh is its own block.
                        context.Out.Write(context.Console.OutIsTerminal ? "\u001b[H\u001b[2J" : "\n");
                        context.Out.WriteLine($"{Format.Time(DateTimeOffset.Now)}  {context.Settings.BaseUrl}  (every {every.TotalSeconds:0.#}s, Ctrl+C to stop)");
                        Write(context.Out, result.Read(ApiJson.Default.ClusterView));
                    }
                    await context.Out.FlushAsync(cancellationToken);
                    await Task.Delay(every, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how a watch ends.
            }
        });
    }

    private static void Write(TextWriter output, ClusterView cluster)
    {
        var table = new TextTable("SILO", "STATUS", "STARTED", "ACTIVATIONS", "RUNNING", "HOST", "ADDRESS");
        foreach (var silo in cluster.Silos)
        {
            table.Add(silo.Name, silo.Status, Format.Time(silo.StartedAt), $"{silo.Activations}", $"{silo.RunningWork}", silo.Host, silo.Address);
        }
        table.WriteTo(output);
        output.WriteLine($"work: {cluster.Work.Running} running, {cluster.Work.Waiting} waiting, for {cluster.Work.Videos} video(s)");
    }
}
