using System.Security.Cryptography;
using Streamio.Testing;

namespace Streamio.Media.Tests;

public sealed class SegmentCipherTests
{
    [Fact]
    public void Iv_is_the_media_sequence_big_endian_in_16_bytes()
    {
        Assert.Equal(new byte[16], SegmentCipher.IvFor(0));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02], SegmentCipher.IvFor(0x0102));
        Assert.Equal("0x00000000000000000000000000000007", SegmentCipher.IvHex(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => SegmentCipher.IvFor(-1));
    }

    [Fact]
    public void Keys_are_16_random_bytes()
    {
        var a = SegmentCipher.NewKey();
        var b = SegmentCipher.NewKey();

        Assert.Equal(16, a.Length);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData(0, 0L)]
    [InlineData(1, 1L)]
    [InlineData(188 * 100, 42L)]
    [InlineData(16 * 1000, long.MaxValue)]
    public void Round_trips_with_pkcs7_padding(int size, long sequence)
    {
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var key = SegmentCipher.NewKey();

        var ciphertext = SegmentCipher.Encrypt(plaintext, key, sequence);

        Assert.Equal((size / 16 + 1) * 16, ciphertext.Length);
        Assert.Equal(plaintext, SegmentCipher.Decrypt(ciphertext, key, sequence));
    }

    [Fact]
    public void The_sequence_is_part_of_the_cipher()
    {
        var plaintext = RandomNumberGenerator.GetBytes(64);
        var key = SegmentCipher.NewKey();

        Assert.NotEqual(SegmentCipher.Encrypt(plaintext, key, 1), SegmentCipher.Encrypt(plaintext, key, 2));
    }

    [Fact]
    public void Rejects_keys_that_are_not_128_bits() =>
        Assert.Throws<ArgumentException>(() => SegmentCipher.Encrypt([1, 2, 3], new byte[32], 0));

    [Fact]
    public async Task Ffmpeg_decrypts_what_we_encrypt_with_the_iv_written_in_the_playlist()
    {
        using var temp = new TempDirectory("cipher");
        // Two real TS segments, like the encoder produces, at media sequences 0 and 1.
        await FfmpegTools.FfmpegAsync(
            "-hide_banner", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=4",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-f", "segment", "-segment_time", "2",
            "-segment_format", "mpegts", temp.Combine("plain%d.ts"));
        var key = SegmentCipher.NewKey();
        await File.WriteAllBytesAsync(temp.Combine("key.bin"), key);
        for (var sequence = 0; sequence < 2; sequence++)
        {
            var plain = await File.ReadAllBytesAsync(temp.Combine($"plain{sequence}.ts"));
            await File.WriteAllBytesAsync(temp.Combine($"{sequence}.ts"), SegmentCipher.Encrypt(plain, key, sequence));
        }

        var playlist = HlsPlaylists.Media([2, 2], 2, complete: true, "key.bin", i => $"{i}.ts");
        await File.WriteAllTextAsync(temp.Combine("index.m3u8"), playlist);

        var frames = await MediaInspector.CountFramesAsync(
            temp.Combine("index.m3u8"), "v:0", "-allowed_extensions", "ALL", "-protocol_whitelist", "file,crypto");

        Assert.Equal(100, frames);
    }
}
