using System.Text;

namespace Streamio.Storage.Tests;

/// <summary>What every object storage backend must do; a backend's test class supplies a fresh, empty store.</summary>
public abstract class StorageContract
{
    protected abstract IObjectStorage Storage { get; }

    private static CancellationToken None => CancellationToken.None;

    private async Task PutTextAsync(string key, string text)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await Storage.PutAsync(key, content, None);
    }

    private async Task<string?> ReadTextAsync(string key)
    {
        await using var stream = await Storage.OpenReadAsync(key, None);
        if (stream is null)
        {
            return null;
        }
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task An_object_is_written_read_and_replaced()
    {
        await PutTextAsync("videos/a/source", "first");
        Assert.Equal("first", await ReadTextAsync("videos/a/source"));
        await PutTextAsync("videos/a/source", "second");
        Assert.Equal("second", await ReadTextAsync("videos/a/source"));
        Assert.True(await Storage.ExistsAsync("videos/a/source", None));
        Assert.Equal(6, await Storage.GetSizeAsync("videos/a/source", None));
    }

    [Fact]
    public async Task A_missing_object_reads_as_null_and_deleting_it_is_harmless()
    {
        Assert.Null(await ReadTextAsync("videos/none"));
        Assert.False(await Storage.ExistsAsync("videos/none", None));
        Assert.Null(await Storage.GetSizeAsync("videos/none", None));
        await Storage.DeleteAsync("videos/none", None);
    }

    [Fact]
    public async Task Put_reports_the_bytes_written_from_a_stream_of_unknown_length()
    {
        var bytes = new byte[3 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(bytes);
        await using var content = new UnseekableStream(bytes);
        Assert.Equal(bytes.Length, await Storage.PutAsync("videos/big", content, None));
        await using var read = (await Storage.OpenReadAsync("videos/big", None))!;
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task A_failed_put_leaves_no_object()
    {
        await Assert.ThrowsAsync<IOException>(() => Storage.PutAsync("videos/broken", new FailingStream(), None));
        Assert.False(await Storage.ExistsAsync("videos/broken", None));
        Assert.Empty(await ListAsync("videos/"));
    }

    [Fact]
    public async Task Keys_are_listed_by_prefix_and_a_prefix_is_deleted_whole()
    {
        await PutTextAsync("videos/a/hls/360p/0.ts", "x");
        await PutTextAsync("videos/a/hls/360p/1.ts", "x");
        await PutTextAsync("videos/a/source", "x");
        await PutTextAsync("videos/ab/source", "x");

        Assert.Equal(["videos/a/hls/360p/0.ts", "videos/a/hls/360p/1.ts", "videos/a/source"], await ListAsync("videos/a/"));
        await Storage.DeletePrefixAsync("videos/a/", None);
        Assert.Empty(await ListAsync("videos/a/"));
        Assert.Equal(["videos/ab/source"], await ListAsync("videos/"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("videos/../../etc/passwd")]
    [InlineData("")]
    public async Task Keys_that_would_escape_are_refused(string key) =>
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.ExistsAsync(key, None));

    [Fact]
    public async Task The_backend_is_reachable_and_readable_by_ffmpeg()
    {
        await PutTextAsync("videos/a/source", "x");
        Assert.True(await Storage.IsReachableAsync(None));
        var location = await Storage.LocateForReadingAsync("videos/a/source", TimeSpan.FromMinutes(5), None);
        Assert.NotEmpty(location.Protocols);
        Assert.False(string.IsNullOrEmpty(location.Location));
    }

    private async Task<List<string>> ListAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in Storage.ListAsync(prefix, None))
        {
            keys.Add(key);
        }
        return keys;
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }

    private sealed class FailingStream : Stream
    {
        private int _reads;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            ++_reads > 2 ? throw new IOException("the client went away") : Fill(buffer, offset, count);

        private static int Fill(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)1, offset, count);
            return count;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
