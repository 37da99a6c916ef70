using System.Security.Cryptography;
using System.Text;

namespace Streamio.Host.Configuration;

/// <summary>HMAC secrets: the configured one, or (embedded mode) one generated once and kept in the data folder.</summary>
public static class SecretFiles
{
    public static string Resolve(string configured, string settingName, string dataPath, string fileName)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured.Length >= 32
                ? configured
                : throw new InvalidOperationException($"{settingName} must be at least 32 characters long.");
        }
        // Kept with the data, so what was signed survives restarts.
        var path = Path.Combine(dataPath, fileName);
        Directory.CreateDirectory(dataPath);
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            file.Write(Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(32))));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another node sharing the folder created it first.
        }
        return File.ReadAllText(path).Trim();
    }
}
