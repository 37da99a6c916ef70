namespace Streamio.Media.Forensics;

/// <summary>A video reduced to small grayscale frames at a fixed rate: what the leak detector compares.</summary>
public sealed record GrayClip(int Width, int Height, double Fps, IReadOnlyList<float[]> Frames)
{
    /// <summary>Reads FFmpeg's raw <c>gray</c> output: width × height bytes per frame, frame after frame.</summary>
    public static GrayClip FromRaw(byte[] raw, int width, int height, double fps)
    {
        var size = width * height;
        var frames = new List<float[]>(raw.Length / size);
        for (var offset = 0; offset + size <= raw.Length; offset += size)
        {
            var frame = new float[size];
            for (var i = 0; i < size; i++)
            {
                frame[i] = raw[offset + i];
            }

            frames.Add(frame);
        }

        return new GrayClip(width, height, fps, frames);
    }
}
