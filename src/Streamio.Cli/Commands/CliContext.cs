using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Streamio.Cli.Api;
using Streamio.Cli.Configuration;

namespace Streamio.Cli.Commands;

/// <summary>
/// What one command runs with: the console, the global flags, the settings they resolve to, and API clients for the
/// project key and the admin key (made on first use, disposed with the context).
/// </summary>
public sealed class CliContext(CliConsole console, GlobalFlags flags) : IDisposable
{
    private CliSettings? _settings;
    private StreamioClient? _api;
    private StreamioClient? _admin;

    public CliConsole Console { get; } = console;

    public GlobalFlags Flags { get; } = flags;

    public bool Json => Flags.Json;

    public TextWriter Out => Console.Out;

    public CliSettings Settings => _settings ??= CliSettings.Resolve(Flags, Console);

    /// <summary>Calls in the project of the API key (or anonymous, which a node allows from loopback by default).</summary>
    public StreamioClient Api => _api ??= new StreamioClient(Settings.BaseUrl, Settings.ApiKey);

    /// <summary>Admin calls: projects, keys, the cluster.</summary>
    public StreamioClient Admin => _admin ??= new StreamioClient(Settings.BaseUrl, Settings.AdminOrApiKey);

    /// <summary>Prints the server's JSON as it came, indented, so scripts get every field and people can read it.</summary>
    public void WriteJson(string serverJson) => Out.WriteLine(JsonNode.Parse(serverJson)?.ToJsonString(Indented) ?? "null");

    /// <summary>The server's JSON with --json, else what <paramref name="human"/> writes from it.</summary>
    public void Print(ApiResult result, Action<ApiResult> human)
    {
        if (Json)
        {
            WriteJson(result.Text);
        }
        else
        {
            human(result);
        }
    }

    public void WriteJson(JsonNode node) => Out.WriteLine(node.ToJsonString(Indented));

    public static JsonNode? Parse(string serverJson) => JsonNode.Parse(serverJson);

    /// <summary>JSON for people and scripts alike: apostrophes and '+' as themselves, not \u escapes.</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One document per line (`upload`, `cluster --watch`).</summary>
    public static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Dispose()
    {
        _api?.Dispose();
        _admin?.Dispose();
    }
}

/// <summary>The options every command accepts, wherever they stand on the command line.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Url = new("--url") { Description = "Streamio's base URL (env STREAMIO_URL; default http://localhost:8080)", Recursive = true };
    public static readonly Option<string?> ApiKey = new("--api-key") { Description = "A project API key (env STREAMIO_API_KEY)", Recursive = true };
    public static readonly Option<string?> AdminKey = new("--admin-key") { Description = "The admin key, for projects, keys and cluster (env STREAMIO_ADMIN_KEY)", Recursive = true };
    public static readonly Option<string?> Profile = new("--profile") { Description = "A named profile of the profile file (env STREAMIO_PROFILE)", Recursive = true };
    public static readonly Option<string?> ConfigDir = new("--config-dir") { Description = "Folder of config.json and the upload resume state (env STREAMIO_CONFIG_DIR; default ~/.config/streamio)", Recursive = true };
    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON on stdout (the server's own shapes) for scripts", Recursive = true };

    public static IEnumerable<Option> All => [Url, ApiKey, AdminKey, Profile, ConfigDir, Json];

    public static GlobalFlags Read(ParseResult parse) => new(
        parse.GetValue(Url), parse.GetValue(ApiKey), parse.GetValue(AdminKey), parse.GetValue(Profile), parse.GetValue(ConfigDir), parse.GetValue(Json));
}
