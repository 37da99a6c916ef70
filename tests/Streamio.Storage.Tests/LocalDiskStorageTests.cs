namespace Streamio.Storage.Tests;

public sealed class LocalDiskStorageTests : StorageContract, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("streamio-storage-").FullName;

    public LocalDiskStorageTests() => Storage = new LocalDiskStorage(_root);

    protected override IObjectStorage Storage { get; }

    [Fact]
    public async Task Local_objects_are_read_by_ffmpeg_as_files_only()
    {
        var location = await Storage.LocateForReadingAsync("videos/a/source", TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Equal(["file"], location.Protocols);
        Assert.StartsWith(_root, location.Location);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
