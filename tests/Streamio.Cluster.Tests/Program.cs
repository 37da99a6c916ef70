using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Streamio.Cluster.Tests.Infrastructure;

namespace Streamio.Cluster.Tests;

/// <summary>
/// <c>dotnet exec Streamio.Cluster.Tests.dll silo --Streamio:Cluster:…=…</c> runs one Streamio silo, so clustering tests
/// have a silo in another process that they can kill outright: a silo in the test's own process always gets to say
/// goodbye to the membership table, which is not the failure being tested.
/// </summary>
public static class Program
{
    public const string SiloCommand = "silo";

    public const string ReadyLine = "streamio-silo-ready";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != SiloCommand)
        {
            await Console.Error.WriteLineAsync($"usage: {SiloCommand} --Streamio:Cluster:Key=value ...");
            return 2;
        }
        var configuration = new ConfigurationBuilder().AddCommandLine(args[1..]).Build();
        using var host = TestSilo.Build(configuration, logToStandardError: true);
        await host.StartAsync();
        Console.WriteLine(ReadyLine);
        // Runs until killed, or until the test process that owns standard input goes away.
        await Console.In.ReadToEndAsync();
        await host.StopAsync();
        return 0;
    }
}
