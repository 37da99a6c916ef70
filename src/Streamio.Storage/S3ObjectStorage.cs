using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Streamio.Storage;

/// <summary>
/// Objects in one S3 bucket (AWS or any S3-compatible server), under an optional key prefix. Uploads stream: a body
/// that fits in one part is a single PUT, anything larger (or of unknown length) a multipart upload holding one part in
/// memory at a time. FFmpeg reads objects through presigned GET URLs, so sources are never downloaded first.
/// </summary>
public sealed class S3ObjectStorage : IObjectStorage, IPresignedUrls, IDisposable
{
    private const int MinimumPartSize = 5 * 1024 * 1024;

    private readonly AmazonS3Client _s3;
    private readonly StorageOptions _options;
    private readonly Protocol _urlProtocol;

    public S3ObjectStorage(StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            throw new InvalidOperationException("Streamio:Storage:Bucket must name the bucket when Streamio:Storage:Kind is 'S3'.");
        }
        if (options.KeyPrefix.Length > 0 && (!options.KeyPrefix.EndsWith('/') || !StorageKeyRules.IsValid(options.KeyPrefix.TrimEnd('/'))))
        {
            throw new InvalidOperationException($"Streamio:Storage:KeyPrefix '{options.KeyPrefix}' must be a relative path ending in '/', e.g. 'streamio/'.");
        }
        _options = options;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Checksums only where S3 requires them: S3-compatible servers often do not understand trailing checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
            _urlProtocol = Protocol.HTTPS;
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
            _urlProtocol = options.ServiceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS;
        }
        _s3 = string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public string Bucket => _options.Bucket;

    private int PartSize => Math.Max(MinimumPartSize, _options.PartSizeBytes);

    /// <summary>Creates the bucket when it is missing (start-up, when configured).</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket }, cancellationToken);
        }
        catch (AmazonS3Exception error) when (error.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    public async Task<long> PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        if (content is { CanSeek: true, Position: 0 } && content.Length < PartSize)
        {
            // A small file or buffer (segments, images): sent as it is, no copy.
            await PutObjectAsync(objectKey, content, cancellationToken);
            return content.Length;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(PartSize);
        try
        {
            var filled = await FillAsync(content, buffer.AsMemory(0, PartSize), cancellationToken);
            if (filled < PartSize)
            {
                using var whole = new MemoryStream(buffer, 0, filled, writable: false);
                await PutObjectAsync(objectKey, whole, cancellationToken);
                return filled;
            }
            return await PutMultipartAsync(objectKey, content, buffer, PartSize, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task PutObjectAsync(string objectKey, Stream content, CancellationToken cancellationToken) =>
        _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = objectKey,
            InputStream = content,
            AutoCloseStream = false,
            // A plain signed body: S3-compatible servers do not all decode aws-chunked uploads.
            UseChunkEncoding = false,
        }, cancellationToken);

    /// <summary>The first part is already in <paramref name="buffer"/>; a failure aborts the upload, so no object appears.</summary>
    private async Task<long> PutMultipartAsync(string objectKey, Stream content, byte[] buffer, int partSize, CancellationToken cancellationToken)
    {
        var started = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = objectKey }, cancellationToken);
        var parts = new List<PartETag>();
        long total = 0;
        try
        {
            var filled = partSize;
            while (filled > 0)
            {
                using var part = new MemoryStream(buffer, 0, filled, writable: false);
                var uploaded = await _s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = objectKey,
                    UploadId = started.UploadId,
                    PartNumber = parts.Count + 1,
                    InputStream = part,
                    PartSize = filled,
                    UseChunkEncoding = false,
                }, cancellationToken);
                parts.Add(new PartETag(parts.Count + 1, uploaded.ETag));
                total += filled;
                filled = filled < partSize ? 0 : await FillAsync(content, buffer.AsMemory(0, partSize), cancellationToken);
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = objectKey,
                UploadId = started.UploadId,
                PartETags = parts,
            }, cancellationToken);
            return total;
        }
        catch
        {
            await AbortQuietlyAsync(objectKey, started.UploadId);
            throw;
        }
    }

    /// <summary>Best effort: the parts of an unfinished upload are never an object, and a bucket lifecycle rule reaps them.</summary>
    private async Task AbortQuietlyAsync(string objectKey, string uploadId)
    {
        try
        {
            await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = objectKey, UploadId = uploadId }, CancellationToken.None);
        }
        catch (Exception error) when (error is AmazonServiceException or HttpRequestException or IOException)
        {
        }
    }

    /// <summary>Reads until the buffer is full or the stream ends; returns the bytes read.</summary>
    private static async Task<int> FillAsync(Stream content, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await content.ReadAsync(buffer[filled..], cancellationToken)) > 0)
        {
            filled += read;
        }
        return filled;
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = ObjectKey(key) }, cancellationToken);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => await GetSizeAsync(key, cancellationToken) is not null;

    public async Task<long?> GetSizeAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = ObjectKey(key) }, cancellationToken);
            return metadata.ContentLength;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = ObjectKey(key) }, cancellationToken);

    public async Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var batch = new List<KeyVersion>();
        await foreach (var key in ListAsync(prefix, cancellationToken))
        {
            batch.Add(new KeyVersion { Key = ObjectKey(key) });
            if (batch.Count == 1000)
            {
                await DeleteBatchAsync(batch, cancellationToken);
            }
        }
        await DeleteBatchAsync(batch, cancellationToken);
    }

    private async Task DeleteBatchAsync(List<KeyVersion> batch, CancellationToken cancellationToken)
    {
        if (batch.Count > 0)
        {
            await _s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = Bucket, Objects = [.. batch], Quiet = true }, cancellationToken);
            batch.Clear();
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = _options.KeyPrefix + prefix };
        ListObjectsV2Response page;
        do
        {
            page = await _s3.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                yield return item.Key[_options.KeyPrefix.Length..];
            }
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
    }

    public Task<StorageReadLocation> LocateForReadingAsync(string key, TimeSpan validFor, CancellationToken cancellationToken)
    {
        var protocols = _urlProtocol == Protocol.HTTP ? new[] { "http", "tcp" } : ["https", "tls", "tcp"];
        return Task.FromResult(new StorageReadLocation(PresignGet(key, validFor).AbsoluteUri, protocols));
    }

    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            // HEAD on the bucket: the cheapest call that proves the endpoint, the credentials and the bucket, and one that does
            // not depend on listing a bucket that may hold millions of objects (s3rver's listing also fails on some of ours).
            await _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = Bucket }, cancellationToken);
            return true;
        }
        catch (Exception error) when (error is AmazonServiceException or HttpRequestException or IOException)
        {
            return false;
        }
    }

    public Uri PresignPut(string key, TimeSpan validFor, string? contentType) =>
        Presign(key, validFor, HttpVerb.PUT, contentType);

    public Uri PresignGet(string key, TimeSpan validFor) => Presign(key, validFor, HttpVerb.GET, null);

    private Uri Presign(string key, TimeSpan validFor, HttpVerb verb, string? contentType)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = ObjectKey(key),
            Verb = verb,
            Expires = DateTime.UtcNow.Add(validFor),
            Protocol = _urlProtocol,
        };
        if (contentType is not null)
        {
            request.ContentType = contentType;
        }
        return new Uri(_s3.GetPreSignedURL(request));
    }

    public string? KeyOfBucketObject(string bucket, string objectKey)
    {
        if (bucket != Bucket || !objectKey.StartsWith(_options.KeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var key = objectKey[_options.KeyPrefix.Length..];
        return StorageKeyRules.IsValid(key) ? key : null;
    }

    private string ObjectKey(string key) => _options.KeyPrefix + StorageKeyRules.Require(key);

    public void Dispose() => _s3.Dispose();
}
