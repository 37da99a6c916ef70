using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Streamio.Testing;

/// <summary>
/// A real S3 server for tests: s3rver (npm, from the repository's node_modules) on a free loopback port with a
/// throwaway data folder, stopped and removed at the end. One per test collection; tests take a bucket each.
/// </summary>
public sealed class S3Server : IAsyncLifetime
{
    /// <summary>s3rver's own credentials (it checks signatures made with them).</summary>
    public const string AccessKey = "S3RVER";

    public const string SecretKey = "S3RVER";

    private Process? _process;
    private TempDirectory? _data;

    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>Configuration for a Streamio node (or the storage options) on this server, in its own bucket.</summary>
    public Dictionary<string, string?> StreamioSettings(string bucket, string keyPrefix = "") => new()
    {
        ["Streamio:Storage:Kind"] = "S3",
        ["Streamio:Storage:ServiceUrl"] = ServiceUrl.AbsoluteUri,
        ["Streamio:Storage:Bucket"] = bucket,
        ["Streamio:Storage:Region"] = "us-east-1",
        ["Streamio:Storage:AccessKey"] = AccessKey,
        ["Streamio:Storage:SecretKey"] = SecretKey,
        ["Streamio:Storage:ForcePathStyle"] = "true",
        ["Streamio:Storage:KeyPrefix"] = keyPrefix,
        ["Streamio:Storage:CreateBucket"] = "true",
    };

    /// <summary>A bucket name no other test uses.</summary>
    public static string NewBucketName() => $"t-{Guid.NewGuid():N}"[..24];

    public async Task InitializeAsync()
    {
        var executable = FindExecutable();
        _data = new TempDirectory("s3rver");
        var port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _data.Path,
        };
        foreach (var argument in (string[])["-d", _data.Path, "-a", "127.0.0.1", "-p", port.ToString(), "--no-vhost-buckets"])
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException(
                $"Could not run {executable} ({error.Message}): s3rver needs Node.js ('apt-get install nodejs npm') and 'npm ci' at the repository root.", error);
        }
        var errors = new System.Text.StringBuilder();
        _process.ErrorDataReceived += (_, line) => errors.AppendLine(line.Data);
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        ServiceUrl = new Uri($"http://127.0.0.1:{port}/");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await AcceptsAsync(port))
        {
            if (_process.HasExited || timeout.IsCancellationRequested)
            {
                await DisposeAsync();
                throw new InvalidOperationException($"s3rver ({executable}) did not start on port {port}: {errors}");
            }
            await Task.Delay(100);
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            process.Dispose();
        }
        _data?.Dispose();
        _data = null;
        return Task.CompletedTask;
    }

    /// <summary>node_modules/.bin/s3rver of the repository these tests run from.</summary>
    private static string FindExecutable()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "package.json")))
            {
                var executable = Path.Combine(directory.FullName, "node_modules", ".bin", "s3rver");
                return File.Exists(executable)
                    ? executable
                    : throw new InvalidOperationException(
                        $"The S3 tests need s3rver from npm and {executable} is missing: run 'npm ci' in {directory.FullName} " +
                        "(./test.sh does it; Node.js and npm come from 'apt-get install nodejs npm').");
            }
        }
        throw new InvalidOperationException(
            $"The S3 tests need s3rver from npm, but no package.json was found above {AppContext.BaseDirectory}: run 'npm ci' at the repository root.");
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
