namespace Streamio.Media;

/// <summary>A rectangle of the picture as fractions of its width and height (so it holds at any resolution).</summary>
public sealed record PictureBox(double X, double Y, double Width, double Height)
{
    public static PictureBox Whole { get; } = new(0, 0, 1, 1);

    public bool IsWhole => Width >= 0.999 && Height >= 0.999;
}

/// <summary>How to sample a video for the detector: an optional crop (fractions), a rate and a small frame size.</summary>
public sealed record GraySampling(double Fps, int Width, int Height, PictureBox? Crop = null);
