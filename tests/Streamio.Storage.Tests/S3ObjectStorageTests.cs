using System.Net;
using Microsoft.Extensions.Configuration;
using Streamio.Testing;

namespace Streamio.Storage.Tests;

[CollectionDefinition(Name)]
public sealed class S3ServerCollection : ICollectionFixture<S3Server>
{
    public const string Name = "s3 server";
}

/// <summary>The storage contract on a real S3 server (s3rver), each test in a bucket of its own, behind a key prefix.</summary>
[Collection(S3ServerCollection.Name)]
public sealed class S3ObjectStorageTests(S3Server server) : StorageContract, IAsyncLifetime
{
    private const string Prefix = "tenant/";

    private S3ObjectStorage _storage = null!;

    protected override IObjectStorage Storage => _storage;

    public static S3ObjectStorage Create(S3Server server, string bucket, string keyPrefix = "", int? partSize = null)
    {
        var options = new StorageOptions();
        new ConfigurationBuilder().AddInMemoryCollection(server.StreamioSettings(bucket, keyPrefix)).Build()
            .GetSection("Streamio:Storage").Bind(options);
        options.PartSizeBytes = partSize ?? options.PartSizeBytes;
        return new S3ObjectStorage(options);
    }

    public async Task InitializeAsync()
    {
        _storage = Create(server, S3Server.NewBucketName(), Prefix, partSize: 5 * 1024 * 1024);
        await _storage.EnsureBucketAsync(CancellationToken.None);
        await _storage.EnsureBucketAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _storage.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_stream_larger_than_a_part_goes_up_in_parts_and_reads_back_whole()
    {
        var bytes = new byte[11 * 1024 * 1024 + 5];
        Random.Shared.NextBytes(bytes);
        await using var content = new NonSeekable(bytes);

        Assert.Equal(bytes.Length, await _storage.PutAsync("videos/v/source", content, CancellationToken.None));

        Assert.Equal(bytes.Length, await _storage.GetSizeAsync("videos/v/source", CancellationToken.None));
        await using var read = (await _storage.OpenReadAsync("videos/v/source", CancellationToken.None))!;
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Keys_live_under_the_prefix_in_the_bucket()
    {
        using (var content = new MemoryStream([1, 2, 3]))
        {
            await _storage.PutAsync("videos/a/source", content, CancellationToken.None);
        }
        using var http = new HttpClient();
        var direct = await http.GetAsync(_storage.PresignGet("videos/a/source", TimeSpan.FromMinutes(1)));
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Contains($"/{_storage.Bucket}/{Prefix}videos/a/source", direct.RequestMessage!.RequestUri!.AbsolutePath);

        Assert.Equal("videos/a/source", _storage.KeyOfBucketObject(_storage.Bucket, $"{Prefix}videos/a/source"));
        Assert.Null(_storage.KeyOfBucketObject(_storage.Bucket, "videos/a/source"));
        Assert.Null(_storage.KeyOfBucketObject("another-bucket", $"{Prefix}videos/a/source"));
        Assert.Null(_storage.KeyOfBucketObject(_storage.Bucket, $"{Prefix}../x"));
    }

    [Fact]
    public async Task A_presigned_put_url_stores_the_object()
    {
        var url = _storage.PresignPut("uploads/u/source", TimeSpan.FromMinutes(5), "video/mp4");
        using var http = new HttpClient();
        using var body = new ByteArrayContent([9, 8, 7]);
        body.Headers.ContentType = new("video/mp4");

        var response = await http.PutAsync(url, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, await _storage.GetSizeAsync("uploads/u/source", CancellationToken.None));
    }

    [Fact]
    public async Task FFmpeg_reads_an_object_through_its_presigned_url_without_a_download()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180, WithAudio: false));
        await using (var file = File.OpenRead(clip))
        {
            await _storage.PutAsync("videos/c/source", file, CancellationToken.None);
        }

        var location = await _storage.LocateForReadingAsync("videos/c/source", TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.Equal(["http", "tcp"], location.Protocols);
        Assert.StartsWith(server.ServiceUrl.AbsoluteUri, location.Location);
        Assert.Contains("X-Amz-Signature=", location.Location);
        var frames = await MediaInspector.CountFramesAsync(location.Location, "v:0", "-protocol_whitelist", string.Join(',', location.Protocols));
        Assert.Equal(60, frames);
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_is_unreachable()
    {
        using var missing = Create(server, S3Server.NewBucketName());
        Assert.False(await missing.IsReachableAsync(CancellationToken.None));
        Assert.True(await _storage.IsReachableAsync(CancellationToken.None));
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}
