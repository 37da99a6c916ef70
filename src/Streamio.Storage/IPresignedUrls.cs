namespace Streamio.Storage;

/// <summary>
/// A backend that clients and players can reach directly (S3): short-lived signed URLs to put or get one object,
/// so bytes need not pass through Streamio.
/// </summary>
public interface IPresignedUrls
{
    /// <summary>A URL that accepts one PUT of the object; <paramref name="contentType"/>, when given, must be sent as is.</summary>
    Uri PresignPut(string key, TimeSpan validFor, string? contentType);

    Uri PresignGet(string key, TimeSpan validFor);

    /// <summary>The storage key of a bucket object named by an S3 event notification, or null when it is not one of ours.</summary>
    string? KeyOfBucketObject(string bucket, string objectKey);
}
