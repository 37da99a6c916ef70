using System.Diagnostics;
using System.Text;

namespace Streamio.Cluster.Tests.Infrastructure;

/// <summary>A Streamio silo in a child process (this test assembly's <see cref="Program"/>), for tests that kill a silo hard.</summary>
public sealed class ChildSilo : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _errors;

    private ChildSilo(Process process, StringBuilder errors)
    {
        _process = process;
        _errors = errors;
    }

    public static async Task<ChildSilo> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        // The dotnet that runs the tests (the CLI sets DOTNET_HOST_PATH for the processes it starts).
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["exec", typeof(Program).Assembly.Location, Program.SiloCommand])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child silo.");
        var errors = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data == Program.ReadyLine)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.AppendLine(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new ChildSilo(process, errors);
        var finished = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (finished != ready.Task)
        {
            var why = process.HasExited ? $"exited with {process.ExitCode}" : $"was not ready within {StartTimeout}";
            silo.Dispose();
            throw new InvalidOperationException($"The child silo {why}:\n{silo.Errors}");
        }
        return silo;
    }

    /// <summary>What the child logged (warnings and worse), for failure messages.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>Ends the process at once: no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
