using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Streamio.Cli.Configuration;

namespace Streamio.Cli.Uploads;

/// <summary>An upload started and not finished: the tus URL a later run resumes.</summary>
public sealed record ResumeEntry(string UploadUrl, string File, long Size, DateTimeOffset StartedAt);

public sealed class ResumeEntries
{
    public Dictionary<string, ResumeEntry> Uploads { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Remembers unfinished uploads in <c>uploads.json</c> in the configuration folder, keyed by a fingerprint of the
/// server, the file's full path, its size and its modification time: the same file, unchanged, sent to the same server
/// resumes; a changed file starts over. Entries are forgotten once their upload finishes, or after a month.
/// </summary>
public sealed class ResumeStore(string folder)
{
    public const string FileName = "uploads.json";
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(30);

    private string Path => System.IO.Path.Combine(folder, FileName);

    public static string Fingerprint(Uri server, FileInfo file) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{server.AbsoluteUri}\n{file.FullName}\n{file.Length}\n{file.LastWriteTimeUtc.Ticks}")));

    public ResumeEntry? Find(string fingerprint) => Load().Uploads.GetValueOrDefault(fingerprint);

    public void Remember(string fingerprint, ResumeEntry entry) => Update(uploads => uploads[fingerprint] = entry);

    public void Forget(string fingerprint) => Update(uploads => uploads.Remove(fingerprint));

    private void Update(Action<Dictionary<string, ResumeEntry>> change)
    {
        var entries = Load();
        change(entries.Uploads);
        var cutoff = DateTimeOffset.UtcNow - KeepFor;
        foreach (var stale in entries.Uploads.Where(pair => pair.Value.StartedAt < cutoff).Select(pair => pair.Key).ToList())
        {
            entries.Uploads.Remove(stale);
        }
        PrivateFile.WriteAllText(Path, JsonSerializer.Serialize(entries, ResumeJson.Default.ResumeEntries));
    }

    private ResumeEntries Load()
    {
        try
        {
            return File.Exists(Path) ? JsonSerializer.Deserialize(File.ReadAllText(Path), ResumeJson.Default.ResumeEntries) ?? new() : new();
        }
        catch (JsonException)
        {
            // A damaged state file only costs the ability to resume: start again rather than refuse to upload.
            return new();
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ResumeEntries))]
public sealed partial class ResumeJson : JsonSerializerContext;
