using Streamio.Media.Forensics;

namespace Streamio.Media.Tests.Forensics;

/// <summary>The detector's arithmetic on synthetic frames, where the right answer is known exactly.</summary>
public sealed class LeakAnalysisTests
{
    private const int W = 32;
    private const int H = 18;

    /// <summary>A picture that changes every frame and never repeats: moving, drifting blobs.</summary>
    private static float[] Picture(int frame, int width = W, int height = H)
    {
        var pixels = new float[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (u, v) = ((double)x / width, (double)y / height);
                pixels[y * width + x] = (float)(128 + 60 * Math.Sin(6 * u + frame * 0.07) * Math.Cos(5 * v - frame * 0.043) + 30 * Math.Sin(11 * (u + v) + frame * 0.011 * (1 + frame % 7)));
            }
        }
        return pixels;
    }

    private static GrayClip Clip(IEnumerable<float[]> frames, int width = W, int height = H) => new(width, height, 10, frames.ToList());

    [Fact]
    public void Bars_around_the_picture_are_found_and_left_out()
    {
        // 40 × 30 frames: the 32 × 18 picture at (4, 6) on black, as a 4:3 player shows 16:9.
        var frames = Enumerable.Range(0, 20).Select(frame =>
        {
            var boxed = new float[40 * 30];
            var picture = Picture(frame);
            for (var y = 0; y < H; y++)
            {
                for (var x = 0; x < W; x++)
                {
                    boxed[(y + 6) * 40 + x + 4] = picture[y * W + x];
                }
            }
            return boxed;
        });

        var box = LeakAnalysis.ContentBox(Clip(frames, 40, 30));

        Assert.InRange(box.X * 40, 4, 6);
        Assert.InRange(box.Y * 30, 6, 8);
        Assert.InRange((box.X + box.Width) * 40, 34, 36);
        Assert.InRange((box.Y + box.Height) * 30, 22, 24);
    }

    [Fact]
    public void A_leak_is_placed_where_it_starts_in_the_video_whatever_its_brightness_and_contrast()
    {
        var reference = Clip(Enumerable.Range(0, 300).Select(frame => Picture(frame)));
        var leak = Clip(Enumerable.Range(123, 120).Select(frame => Picture(frame).Select(p => p * 0.8f + 20).ToArray()));

        var alignment = LeakAnalysis.Align(leak, reference);

        Assert.Equal(123, alignment.OffsetFrames);
        Assert.True(alignment.Similarity > 0.99, $"similarity {alignment.Similarity}");
        Assert.True(LeakAnalysis.Align(Clip(Enumerable.Range(0, 100).Select(frame => Picture(frame * 13 + 5000, W, H).Reverse().ToArray())), reference).Similarity < 0.6);
    }

    [Fact]
    public void Each_segments_bit_is_the_sign_and_size_of_the_mark_in_it()
    {
        var pattern = new ForensicPattern("v_synthetic").Sample(W, H);
        int[] signs = [1, -1, -1, 1, -1, 1, 1, 1, -1, -1];
        // 2 s segments at 10 fps: frame k is in segment k / 20. The leak starts at frame 30 with a gamma-like tone curve.
        var reference = Clip(Enumerable.Range(0, 200).Select(frame => Picture(frame)));
        var leak = Clip(Enumerable.Range(30, 170).Select(frame =>
            Picture(frame).Select((p, i) => (float)(255 * Math.Pow((p + 2.5 * signs[frame / 20] * pattern[i]) / 255, 0.9))).ToArray()));
        var alignment = new LeakAlignment(30, 1, 170);

        var bits = LeakAnalysis.ReadBits(leak, reference, alignment, 2, pattern);

        Assert.Equal(Enumerable.Range(1, 9), bits.Select(bit => bit.Segment));
        Assert.All(bits, bit => Assert.Equal(signs[bit.Segment], Math.Sign(bit.Amplitude)));
        Assert.All(bits, bit => Assert.InRange(Math.Abs(bit.Amplitude), 2, 3.5));
        Assert.Equal(1, LeakAnalysis.Agreement(bits, segment => signs[segment]));
        Assert.True(LeakAnalysis.Score(bits, segment => signs[segment]) > 20);
        Assert.InRange(LeakAnalysis.Score(bits, segment => segment % 2 == 0 ? 1 : -1), -3, 3);
    }

    [Fact]
    public void Bits_that_share_one_sign_explain_no_code_however_many_of_its_signs_agree()
    {
        // An unmarked recording whose re-encode correlates with the pattern alike in every segment: bits of one sign.
        double[] amplitudes = [1.4, 1.7, 1.5, 1.2, 1.6, 1.3, 1.5, 1.8, 1.4, 1.6, 1.1];
        var bits = amplitudes.Select((amplitude, segment) => new SegmentBit(segment, amplitude, 30)).ToList();
        // A code that agrees on 10 of the 11 segments, whose one disagreement falls on an average bit.
        Func<int, int> mostlyPlus = segment => segment == 2 ? -1 : 1;

        Assert.Equal(10 / 11.0, LeakAnalysis.Agreement(bits, mostlyPlus), 6);
        Assert.InRange(LeakAnalysis.Score(bits, mostlyPlus), -1, 1);
        Assert.Equal(0, LeakAnalysis.Score(bits, _ => 1));
        // The same shared offset on top of a real mark: the leaking viewer still stands out.
        int[] code = [1, -1, -1, 1, -1, 1, 1, 1, -1, -1, 1];
        var marked = amplitudes.Select((amplitude, segment) => new SegmentBit(segment, amplitude + 2.5 * code[segment], 30)).ToList();
        Assert.True(LeakAnalysis.Score(marked, segment => code[segment]) > 10);
    }
}
