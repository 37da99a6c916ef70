using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>
/// One s3rver and one Streamio node storing on it (bucket created at start-up, behind a key prefix), with S3 event
/// notifications on and segments redirected to presigned S3 URLs: cluster-mode storage, shared by a collection.
/// </summary>
public sealed class S3NodeFixture : IAsyncLifetime
{
    public const string NotificationSecret = "notification-secret-for-tests";

    public const string KeyPrefix = "streamio/";

    public S3Server S3 { get; } = new();

    public string Bucket { get; } = S3Server.NewBucketName();

    public StreamioNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await S3.InitializeAsync();
        Node = await StreamioNode.StartAsync(settings =>
        {
            foreach (var (name, value) in S3.StreamioSettings(Bucket, KeyPrefix))
            {
                settings[name] = value;
            }
            settings["Streamio:MaxUploadBytes"] = (32 * 1024 * 1024).ToString();
            settings["Streamio:Uploads:NotificationSecret"] = NotificationSecret;
            settings["Streamio:Playback:SegmentDelivery"] = "Redirect";
        });
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await S3.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class S3NodeCollection : ICollectionFixture<S3NodeFixture>
{
    public const string Name = "s3 node";
}
