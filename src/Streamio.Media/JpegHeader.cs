namespace Streamio.Media;

/// <summary>Reads a JPEG's size from its frame header, without decoding it.</summary>
internal static class JpegHeader
{
    // FFmpeg writes the frame header within the first few hundred bytes; other encoders' metadata can take more.
    private const int MaxHeaderBytes = 256 * 1024;

    public static (int Width, int Height) ReadSize(string path)
    {
        var buffer = new byte[MaxHeaderBytes];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }

        return TryReadSize(buffer.AsSpan(0, read)) ?? throw new MediaToolException($"{path} is not a JPEG with a readable frame header.", string.Empty);
    }

    /// <summary>The size in the first start-of-frame segment, or null when the bytes are not a JPEG header.</summary>
    public static (int Width, int Height)? TryReadSize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            return null;
        }

        var i = 2;
        while (i + 1 < data.Length)
        {
            if (data[i] != 0xFF)
            {
                return null;
            }

            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                // Fill byte before a marker.
                i++;
                continue;
            }

            i += 2;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                // Markers without a segment.
                continue;
            }

            if (marker is 0xD9 or 0xDA || i + 2 > data.Length)
            {
                // End of image or start of scan before any frame header.
                return null;
            }

            var length = (data[i] << 8) | data[i + 1];
            // SOF0..SOF15 carry the frame header; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 7 || i + 7 > data.Length)
                {
                    return null;
                }

                var height = (data[i + 3] << 8) | data[i + 4];
                var width = (data[i + 5] << 8) | data[i + 6];
                return width > 0 && height > 0 ? (width, height) : null;
            }

            if (length < 2)
            {
                return null;
            }

            i += length;
        }

        return null;
    }
}
