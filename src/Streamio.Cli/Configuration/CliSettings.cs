namespace Streamio.Cli.Configuration;

/// <summary>
/// The connection settings a command runs with, each from the first place that has it: a flag, then the environment
/// (STREAMIO_URL, STREAMIO_API_KEY, STREAMIO_ADMIN_KEY, STREAMIO_PROFILE), then the profile file, then the default.
/// </summary>
public sealed record CliSettings(Uri BaseUrl, string? ApiKey, string? AdminKey, string ProfileName, string ConfigFolder)
{
    public const string DefaultUrl = "http://localhost:8080/";

    /// <summary>Admin calls (projects, keys, cluster) use the admin key, or the API key when no admin key is set.</summary>
    public string? AdminOrApiKey => AdminKey ?? ApiKey;

    public static CliSettings Resolve(GlobalFlags flags, CliConsole console)
    {
        var folder = FindConfigFolder(flags.ConfigFolder, console);
        var file = ProfileFile.Load(folder);
        var named = flags.Profile ?? NonEmpty(console.Environment("STREAMIO_PROFILE"));
        var profileName = named ?? file.Current ?? ProfileFile.DefaultProfile;
        if (!file.Profiles.TryGetValue(profileName, out var profile))
        {
            if (named is not null)
            {
                throw new CliException(ExitCodes.Usage,
                    $"There is no profile '{profileName}' in {Path.Combine(folder, ProfileFile.FileName)}: create it with `streamio config set url <url> --profile {profileName}`.");
            }
            profile = new Profile();
        }
        var url = flags.Url ?? NonEmpty(console.Environment("STREAMIO_URL")) ?? NonEmpty(profile.Url) ?? DefaultUrl;
        return new CliSettings(
            ParseUrl(url),
            flags.ApiKey ?? NonEmpty(console.Environment("STREAMIO_API_KEY")) ?? NonEmpty(profile.ApiKey),
            flags.AdminKey ?? NonEmpty(console.Environment("STREAMIO_ADMIN_KEY")) ?? NonEmpty(profile.AdminKey),
            profileName,
            folder);
    }

    /// <summary>--config-dir, else STREAMIO_CONFIG_DIR, else $XDG_CONFIG_HOME/streamio, else ~/.config/streamio.</summary>
    public static string FindConfigFolder(string? flag, CliConsole console)
    {
        if ((flag ?? NonEmpty(console.Environment("STREAMIO_CONFIG_DIR"))) is { } explicitFolder)
        {
            return Path.GetFullPath(explicitFolder);
        }
        var configHome = NonEmpty(console.Environment("XDG_CONFIG_HOME"))
            ?? Path.Combine(NonEmpty(console.Environment("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(configHome, "streamio");
    }

    /// <summary>An http(s) URL, with a trailing slash so API paths resolve under any path prefix it has.</summary>
    public static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new CliException(ExitCodes.Usage, $"'{text}' is not a Streamio URL: give an http or https URL such as {DefaultUrl}.");
        }
        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The options every command takes (System.CommandLine passes them down the command tree).</summary>
public sealed record GlobalFlags(string? Url, string? ApiKey, string? AdminKey, string? Profile, string? ConfigFolder, bool Json);
