using System.Runtime.CompilerServices;

namespace Streamio.Storage;

/// <summary>Objects as files under one root. Writes go to a temporary file and are renamed into place.</summary>
public sealed class LocalDiskStorage : IObjectStorage
{
    private readonly string _root;

    public LocalDiskStorage(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public async Task<long> PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            long written;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
                written = file.Length;
            }
            File.Move(temporary, path, overwrite: true);
            return written;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathFor(key)));

    public Task<long?> GetSizeAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathFor(key));
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        DeleteFile(PathFor(key));
        return Task.CompletedTask;
    }

    /// <summary>Deleting what is not there is not an error (deletes are retried and raced).</summary>
    private static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        if (prefix.EndsWith('/'))
        {
            var directory = PathFor(prefix.TrimEnd('/'));
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
            return Task.CompletedTask;
        }
        return DeleteMatchingAsync(prefix, cancellationToken);
    }

    private async Task DeleteMatchingAsync(string prefix, CancellationToken cancellationToken)
    {
        await foreach (var key in ListAsync(prefix, cancellationToken))
        {
            DeleteFile(PathFor(key));
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        // Walk only the folder the prefix names (e.g. videos/v1/ or tus/u1/), not every object in storage.
        var slash = prefix.LastIndexOf('/');
        var folder = slash <= 0 ? _root : PathFor(prefix[..slash]);
        if (!Directory.Exists(folder))
        {
            yield break;
        }
        var keys = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(path => !path.EndsWith(".partial", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
    }

    public Task<StorageReadLocation> LocateForReadingAsync(string key, TimeSpan validFor, CancellationToken cancellationToken) =>
        Task.FromResult(new StorageReadLocation(PathFor(key), ["file"]));

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(Directory.Exists(_root));

    /// <summary>Maps a key to a path under the root, refusing anything that would escape it.</summary>
    private string PathFor(string key)
    {
        StorageKeyRules.Require(key);
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Storage key '{key}' escapes the storage root.", nameof(key));
        }
        return path;
    }
}
