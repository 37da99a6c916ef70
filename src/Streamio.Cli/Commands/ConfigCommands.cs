using System.CommandLine;
using System.Text.Json.Nodes;
using Streamio.Cli.Configuration;

namespace Streamio.Cli.Commands;

/// <summary>`config set|use|show`: named profiles in the profile file (flags and environment variables still win).</summary>
public static class ConfigCommands
{
    private static readonly string[] Keys = ["url", "api-key", "admin-key"];

    public static Command Create(CliConsole console)
    {
        var key = new Argument<string>("KEY") { Description = "url, api-key or admin-key" }.AcceptOnlyFromAmong(Keys);
        var value = new Argument<string>("VALUE") { Description = "The value (an empty string removes it)" };
        var set = new Command("set", "Set a value in a profile (--profile, else the one in use)") { key, value }.Runs(console, (context, parse, _) =>
        {
            var folder = CliSettings.FindConfigFolder(context.Flags.ConfigFolder, context.Console);
            var file = ProfileFile.Load(folder);
            var name = context.Flags.Profile ?? file.Current ?? ProfileFile.DefaultProfile;
            var profile = file.Profiles.TryGetValue(name, out var existing) ? existing : file.Profiles[name] = new Profile();
            var text = parse.GetValue(value) is { Length: > 0 } given ? given.Trim() : null;
            switch (parse.GetValue(key))
            {
                case "url":
                    profile.Url = text is null ? null : CliSettings.ParseUrl(text).AbsoluteUri;
                    break;
                case "api-key":
                    profile.ApiKey = text;
                    break;
                default:
                    profile.AdminKey = text;
                    break;
            }
            file.Current ??= name;
            file.Save(folder);
            context.Console.Error.WriteLine($"{parse.GetValue(key)} {(text is null ? "removed from" : "set in")} profile '{name}' ({Path.Combine(folder, ProfileFile.FileName)})");
            return Task.CompletedTask;
        });

        var profileName = new Argument<string>("PROFILE") { Description = "The profile to use from now on" };
        var use = new Command("use", "Make a profile the one in use") { profileName }.Runs(console, (context, parse, _) =>
        {
            var folder = CliSettings.FindConfigFolder(context.Flags.ConfigFolder, context.Console);
            var file = ProfileFile.Load(folder);
            var name = parse.GetValue(profileName)!;
            if (!file.Profiles.ContainsKey(name))
            {
                throw new CliException(ExitCodes.Usage, $"There is no profile '{name}': create it with `streamio config set url <url> --profile {name}`.");
            }
            file.Current = name;
            file.Save(folder);
            context.Console.Error.WriteLine($"using profile '{name}'");
            return Task.CompletedTask;
        });

        var show = new Command("show", "Show the settings a command would run with, and where each comes from (keys masked)").Runs(console, (context, _, _) =>
        {
            var settings = context.Settings;
            var shown = new JsonObject
            {
                ["profile"] = settings.ProfileName,
                ["configFolder"] = settings.ConfigFolder,
                ["url"] = settings.BaseUrl.AbsoluteUri,
                ["apiKey"] = Mask(settings.ApiKey),
                ["adminKey"] = Mask(settings.AdminKey),
            };
            if (context.Json)
            {
                context.WriteJson(shown);
                return Task.CompletedTask;
            }
            foreach (var (name, node) in shown)
            {
                context.Out.WriteLine($"{name,-13}{node?.GetValue<string>() ?? "-"}");
            }
            return Task.CompletedTask;
        });
        return new Command("config", "Profiles: where Streamio is and which keys to use") { set, use, show };
    }

    /// <summary>Enough of a key to tell which it is, never the key.</summary>
    private static string? Mask(string? key) => key is null ? null : key.Length <= 8 ? "****" : $"{key[..6]}…{key[^2..]}";
}
