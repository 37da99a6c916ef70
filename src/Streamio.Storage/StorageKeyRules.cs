namespace Streamio.Storage;

/// <summary>What every backend accepts as a key: '/'-separated, relative, with no '.' or '..' part and no backslash.</summary>
public static class StorageKeyRules
{
    public static bool IsValid(string? key) =>
        !string.IsNullOrWhiteSpace(key)
        && !key.Contains('\\')
        && !key.StartsWith('/')
        && !key.Any(char.IsControl)
        && !key.Split('/').Any(part => part is ".." or ".");

    /// <exception cref="ArgumentException">The key is not valid.</exception>
    public static string Require(string key) =>
        IsValid(key) ? key : throw new ArgumentException($"Invalid storage key '{key}'.", nameof(key));
}
