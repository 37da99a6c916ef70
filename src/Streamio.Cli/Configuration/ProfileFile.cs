using System.Text.Json;
using System.Text.Json.Serialization;

namespace Streamio.Cli.Configuration;

/// <summary>One named set of connection settings in the profile file.</summary>
public sealed class Profile
{
    public string? Url { get; set; }

    public string? ApiKey { get; set; }

    public string? AdminKey { get; set; }
}

/// <summary>
/// The profile file, <c>config.json</c> in the configuration folder: named profiles and the one in use. It holds keys,
/// so it is written readable by its owner only.
/// </summary>
public sealed class ProfileFile
{
    public const string FileName = "config.json";
    public const string DefaultProfile = "default";

    [JsonPropertyName("profile")]
    public string? Current { get; set; }

    public Dictionary<string, Profile> Profiles { get; set; } = new(StringComparer.Ordinal);

    public static ProfileFile Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return new ProfileFile();
        }
        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllText(path), ConfigurationJson.Default.ProfileFile) ?? new ProfileFile();
            file.Profiles = new Dictionary<string, Profile>(file.Profiles, StringComparer.Ordinal);
            return file;
        }
        catch (JsonException error)
        {
            throw new CliException(ExitCodes.Usage, $"The profile file {path} is not valid JSON ({error.Message}): fix or delete it.");
        }
    }

    public void Save(string folder) =>
        PrivateFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, ConfigurationJson.Default.ProfileFile));
}

/// <summary>Writes a file readable by its owner only, replacing the old one at once (never half written).</summary>
public static class PrivateFile
{
    public static void WriteAllText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(temporary, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(text);
        }
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>The profile file's JSON, indented for people who edit it by hand.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProfileFile))]
public sealed partial class ConfigurationJson : JsonSerializerContext;
