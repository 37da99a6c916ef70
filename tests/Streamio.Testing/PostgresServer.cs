using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Streamio.Testing;

/// <summary>
/// A real PostgreSQL server for tests, found or started: the server named by <c>STREAMIO_TEST_POSTGRES</c> (a connection
/// string with the right to create databases); else one answering on 127.0.0.1:5432 to user postgres without a
/// password; else a private throwaway server (initdb into a temp folder, durability off, a free port), stopped and
/// removed at the end. Tests get a fresh database each from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "STREAMIO_TEST_POSTGRES";

    private const string LocalServer = "Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres;Timeout=3;Pooling=false";

    private PrivateCluster? _private;

    /// <summary>Connects as a user allowed to create databases, to a database that is never dropped.</summary>
    public string AdminConnectionString { get; private set; } = "";

    /// <summary>True when this fixture started the server, so it may stop and restart it.</summary>
    public bool IsPrivate => _private is not null;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            AdminConnectionString = configured;
        }
        else if (await AnswersAsync(LocalServer))
        {
            AdminConnectionString = LocalServer;
        }
        else
        {
            await StartPrivateClusterAsync();
        }
    }

    /// <summary>A server of its own, whatever else is around: for tests that stop or restart it.</summary>
    public static async Task<PostgresServer> StartPrivateAsync()
    {
        var server = new PostgresServer();
        await server.StartPrivateClusterAsync();
        return server;
    }

    /// <summary>Creates an empty database with a random name and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"streamio_test_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing whatever is still connected to it.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    /// <summary>Stops the server (fast: connections are cut) and starts it again on the same port with the same data.</summary>
    public async Task RestartAsync()
    {
        var cluster = _private ?? throw new InvalidOperationException(
            "Only a private server (PostgresServer.StartPrivateAsync) can be restarted; this one belongs to someone else.");
        await cluster.PgCtlAsync("restart", "-m", "fast");
    }

    public async Task DisposeAsync()
    {
        if (_private is { } cluster)
        {
            _private = null;
            await cluster.DisposeAsync();
        }
    }

    private async Task StartPrivateClusterAsync()
    {
        _private = await PrivateCluster.StartAsync();
        AdminConnectionString = $"Host=127.0.0.1;Port={_private.Port};Username=postgres;Database=postgres;Pooling=false";
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<bool> AnswersAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            return true;
        }
        catch (Exception error) when (error is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>A throwaway cluster in a temp folder, run by the postgres OS user when the tests run as root.</summary>
    private sealed class PrivateCluster : IAsyncDisposable
    {
        private readonly string _binDirectory;
        private readonly string _root;
        private readonly string? _runAs;

        private PrivateCluster(string binDirectory, string root, string? runAs, int port)
        {
            _binDirectory = binDirectory;
            _root = root;
            _runAs = runAs;
            Port = port;
        }

        public int Port { get; }

        private string DataDirectory => Path.Combine(_root, "data");

        private string LogFile => Path.Combine(_root, "server.log");

        public static async Task<PrivateCluster> StartAsync()
        {
            var binDirectory = FindBinDirectory();
            // initdb refuses to run as root: hand the folder to the postgres user and run the tools as it.
            var runAs = Environment.UserName == "root" ? "postgres" : null;
            var root = Directory.CreateTempSubdirectory("streamio-pg-").FullName;
            var cluster = new PrivateCluster(binDirectory, root, runAs, FreePort());
            try
            {
                if (runAs is not null)
                {
                    await RunAsync("chown", [runAs, root]);
                }
                await cluster.RunToolAsync("initdb", "-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync");
                await cluster.PgCtlAsync("start", "-o",
                    $"-p {cluster.Port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " +
                    "-c full_page_writes=off -c max_connections=200");
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        /// <summary>pg_ctl with a wait for completion; the server's own output goes to the log file, never to our pipes.</summary>
        public async Task PgCtlAsync(string action, params string[] options)
        {
            try
            {
                await RunToolAsync("pg_ctl", [action, "-D", DataDirectory, "-l", LogFile, "-w", "-t", "120", .. options]);
            }
            catch (InvalidOperationException error) when (File.Exists(LogFile))
            {
                throw new InvalidOperationException($"{error.Message}\nserver log:\n{await File.ReadAllTextAsync(LogFile)}", error);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
                {
                    await RunToolAsync("pg_ctl", "stop", "-D", DataDirectory, "-m", "immediate", "-w");
                }
            }
            finally
            {
                Directory.Delete(_root, recursive: true);
            }
        }

        private Task RunToolAsync(string tool, params string[] arguments)
        {
            var path = Path.Combine(_binDirectory, tool);
            return _runAs is null ? RunAsync(path, arguments) : RunAsync("runuser", ["-u", _runAs, "--", path, .. arguments]);
        }

        private static string FindBinDirectory()
        {
            // Debian and Ubuntu keep each major version apart; take the newest. Elsewhere the tools are on the PATH.
            var debian = Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .Select(version => Path.Combine(version, "bin"))
                    .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                    .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                    .FirstOrDefault()
                : null;
            var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                .FirstOrDefault(directory => directory.Length > 0 && File.Exists(Path.Combine(directory, "initdb")));
            return debian ?? onPath ?? throw new InvalidOperationException(
                "The PostgreSQL tests need a PostgreSQL server and none was found: no initdb under /usr/lib/postgresql/*/bin or on the PATH, " +
                $"nothing answering on 127.0.0.1:5432 as user postgres, and {EnvironmentVariable} is not set. " +
                $"Install one with 'apt-get install postgresql' (scripts/deps.sh does it), or set {EnvironmentVariable} to a connection string " +
                "of a server where the user may create databases.");
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static async Task RunAsync(string file, IReadOnlyList<string> arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"'{file} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{await output}\n{await errors}");
            }
        }
    }
}
