namespace Streamio.Media.Forensics;

/// <summary>Where a leak lies in the video: frame <c>j</c> of the leak is frame <c>j + Offset</c> of the reference.</summary>
/// <param name="Similarity">Mean cosine similarity of the matched frames' coarse signatures (1: identical pictures).</param>
public sealed record LeakAlignment(int OffsetFrames, double Similarity, int OverlapFrames);

/// <summary>The mark's strength in one segment of the leak, in luma levels: positive for copy A, negative for B.</summary>
public sealed record SegmentBit(int Segment, double Amplitude, int Frames);

/// <summary>
/// The leak detector's arithmetic, free of FFmpeg: find the letterbox, align the leak to the reference in time, read
/// one soft bit per covered segment, and score viewers' codes against the bits.
/// </summary>
public static class LeakAnalysis
{
    /// <summary>Frames this close to a segment boundary are not read: the switch from A to B may be smeared by the leak's encoder.</summary>
    public const double BoundaryMarginSeconds = 0.25;

    /// <summary>A segment counts once this many of its frames are in the leak.</summary>
    public const int MinFramesPerSegment = 3;

    /// <summary>
    /// The picture inside letterbox or pillarbox bars: from each edge inward, rows (columns) that are flat across the
    /// picture and still over time are bars. A player draws bars in one colour, so content rarely looks like that.
    /// </summary>
    public static PictureBox ContentBox(GrayClip clip)
    {
        if (clip.Frames.Count == 0)
        {
            return PictureBox.Whole;
        }

        var (w, h) = (clip.Width, clip.Height);
        var rowFlat = new bool[h];
        var columnFlat = new bool[w];
        for (var y = 0; y < h; y++)
        {
            rowFlat[y] = IsFlat(clip, Enumerable.Range(0, w).Select(x => y * w + x).ToArray());
        }

        for (var x = 0; x < w; x++)
        {
            columnFlat[x] = IsFlat(clip, Enumerable.Range(0, h).Select(y => y * w + x).ToArray());
        }

        var top = 0;
        while (top < h / 2 && rowFlat[top]) top++;
        var bottom = h;
        while (bottom > top + h / 4 && rowFlat[bottom - 1]) bottom--;
        var left = 0;
        while (left < w / 2 && columnFlat[left]) left++;
        var right = w;
        while (right > left + w / 4 && columnFlat[right - 1]) right--;
        // One more line in from each bar: the re-encoded edge of a bar rings into the picture.
        if (top > 0) top++;
        if (bottom < h) bottom--;
        if (left > 0) left++;
        if (right < w) right--;
        return new PictureBox((double)left / w, (double)top / h, (double)(right - left) / w, (double)(bottom - top) / h);
    }

    /// <summary>
    /// The offset that makes the leak look most like the reference: coarse signatures (4×4 blocks, brightness and contrast
    /// removed per frame) compared by cosine similarity, over every offset where most of the leak lies inside the video.
    /// </summary>
    public static LeakAlignment Align(GrayClip leak, GrayClip reference)
    {
        var l = leak.Frames.Select(frame => Signature(frame, leak.Width, leak.Height)).ToList();
        var r = reference.Frames.Select(frame => Signature(frame, reference.Width, reference.Height)).ToList();
        var minOverlap = Math.Max(1, (int)Math.Ceiling(l.Count * 0.8));
        var best = new LeakAlignment(0, double.NegativeInfinity, 0);
        for (var offset = -(l.Count - minOverlap); offset <= r.Count - minOverlap; offset++)
        {
            var (sum, count) = (0.0, 0);
            for (var j = Math.Max(0, -offset); j < l.Count && j + offset < r.Count; j++)
            {
                sum += Dot(l[j], r[j + offset]);
                count++;
            }

            if (count >= minOverlap && sum / count > best.Similarity)
            {
                best = new LeakAlignment(offset, sum / count, count);
            }
        }

        return best.OverlapFrames == 0 ? new LeakAlignment(0, 0, 0) : best;
    }

    /// <summary>
    /// One soft bit per segment the aligned leak covers: a least-squares fit of the leak's frames as
    /// a·ref + e·ref² + b + c·pattern (a tone curve absorbs the player's and the capture's colour changes), where c, the
    /// pattern's amplitude, is the bit. <paramref name="pattern"/> is sampled on the clips' grid.
    /// </summary>
    public static IReadOnlyList<SegmentBit> ReadBits(GrayClip leak, GrayClip reference, LeakAlignment alignment, double segmentSeconds, double[] pattern)
    {
        var fps = reference.Fps;
        var bySegment = new SortedDictionary<int, List<(float[] Leak, float[] Reference)>>();
        for (var j = 0; j < leak.Frames.Count; j++)
        {
            var k = j + alignment.OffsetFrames;
            if (k < 0 || k >= reference.Frames.Count)
            {
                continue;
            }

            var time = k / fps;
            var segment = (int)Math.Floor(time / segmentSeconds);
            var into = time - segment * segmentSeconds;
            if (into < BoundaryMarginSeconds || into > segmentSeconds - BoundaryMarginSeconds)
            {
                continue;
            }

            if (!bySegment.TryGetValue(segment, out var pairs))
            {
                bySegment[segment] = pairs = [];
            }

            pairs.Add((leak.Frames[j], reference.Frames[k]));
        }

        var centred = Centre(pattern);
        return bySegment.Where(entry => entry.Value.Count >= MinFramesPerSegment)
            .Select(entry => new SegmentBit(entry.Key, FitPatternAmplitude(entry.Value, centred), entry.Value.Count))
            .ToList();
    }

    /// <summary>
    /// How well a viewer's code explains the bits: the t statistic of the slope <c>a</c> in <c>bit_i = b + a·sign_i</c>,
    /// fitted by least squares (<see cref="ScoreDegrees"/> degrees of freedom). The intercept <c>b</c> takes what every
    /// segment shares: the mark's pattern is the same in every segment, so a recording's re-encode can correlate with it
    /// alike everywhere, and an unmarked stream then reads as bits of one sign, which any code made mostly of that sign
    /// would seem to explain (an unmarked 11-segment leak matched a viewer whose code agreed on 10). The leaking viewer's
    /// slope is the mark's amplitude (large t); anyone else's is noise around zero. A code of one sign throughout cannot
    /// be told from what the segments share: 0.
    /// </summary>
    public static double Score(IReadOnlyList<SegmentBit> bits, Func<int, int> sign)
    {
        var n = bits.Count;
        if (n < 3)
        {
            return 0;
        }

        var signs = bits.Select(bit => (double)sign(bit.Segment)).ToArray();
        var signMean = signs.Average();
        var bitMean = bits.Average(bit => bit.Amplitude);
        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            var ds = signs[i] - signMean;
            var dy = bits[i].Amplitude - bitMean;
            sxx += ds * ds;
            sxy += ds * dy;
            syy += dy * dy;
        }

        if (sxx < 1e-9)
        {
            return 0;
        }

        var slope = sxy / sxx;
        var residualVariance = Math.Max(0, syy - slope * sxy) / ScoreDegrees(n);
        var standardError = Math.Sqrt(residualVariance / sxx);
        return standardError > 1e-9 ? slope / standardError : slope > 0 ? 1e6 : 0;
    }

    /// <summary>The degrees of freedom of <see cref="Score"/>'s t statistic for <paramref name="bits"/> bits: slope and intercept take two.</summary>
    public static int ScoreDegrees(int bits) => Math.Max(1, bits - 2);

    /// <summary>The share of segments where the bit's sign agrees with the code.</summary>
    public static double Agreement(IReadOnlyList<SegmentBit> bits, Func<int, int> sign) =>
        bits.Count == 0 ? 0 : bits.Count(bit => Math.Sign(bit.Amplitude) == sign(bit.Segment)) / (double)bits.Count;

    /// <summary>Probability that a t statistic with <paramref name="degrees"/> degrees of freedom is at least <paramref name="t"/> by chance.</summary>
    public static double TailProbability(double t, int degrees) =>
        t <= 0 ? 1 - 0.5 * IncompleteBeta(degrees / (degrees + t * t), degrees / 2.0, 0.5) : 0.5 * IncompleteBeta(degrees / (degrees + t * t), degrees / 2.0, 0.5);

    private static double FitPatternAmplitude(List<(float[] Leak, float[] Reference)> pairs, double[] pattern)
    {
        // Normal equations of y = a·r + e·r² + b + c·p over every pixel of every frame (r scaled to 0..1 for conditioning).
        var m = new double[4, 4];
        var v = new double[4];
        Span<double> f = stackalloc double[4];
        foreach (var (leakFrame, referenceFrame) in pairs)
        {
            for (var i = 0; i < pattern.Length; i++)
            {
                var r = referenceFrame[i] / 255.0;
                f[0] = r;
                f[1] = r * r;
                f[2] = 1;
                f[3] = pattern[i];
                for (var a = 0; a < 4; a++)
                {
                    v[a] += f[a] * leakFrame[i];
                    for (var b = 0; b < 4; b++)
                    {
                        m[a, b] += f[a] * f[b];
                    }
                }
            }
        }

        return Solve(m, v)[3];
    }

    /// <summary>Gaussian elimination with partial pivoting; a singular system (a flat reference) reads as no mark.</summary>
    private static double[] Solve(double[,] m, double[] v)
    {
        var n = v.Length;
        for (var col = 0; col < n; col++)
        {
            var pivot = Enumerable.Range(col, n - col).MaxBy(row => Math.Abs(m[row, col]));
            if (Math.Abs(m[pivot, col]) < 1e-9)
            {
                return new double[n];
            }

            for (var k = 0; k < n; k++)
            {
                (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            }

            (v[col], v[pivot]) = (v[pivot], v[col]);
            for (var row = col + 1; row < n; row++)
            {
                var factor = m[row, col] / m[col, col];
                for (var k = col; k < n; k++)
                {
                    m[row, k] -= factor * m[col, k];
                }

                v[row] -= factor * v[col];
            }
        }

        var x = new double[n];
        for (var row = n - 1; row >= 0; row--)
        {
            var sum = v[row];
            for (var k = row + 1; k < n; k++)
            {
                sum -= m[row, k] * x[k];
            }

            x[row] = sum / m[row, row];
        }

        return x;
    }

    private static double[] Centre(double[] values)
    {
        var mean = values.Average();
        return values.Select(value => value - mean).ToArray();
    }

    private static bool IsFlat(GrayClip clip, int[] pixels)
    {
        const double MaxSpread = 3;
        var frames = clip.Frames;
        var first = double.NaN;
        foreach (var frame in frames)
        {
            var (min, max, sum) = (double.MaxValue, double.MinValue, 0.0);
            foreach (var p in pixels)
            {
                min = Math.Min(min, frame[p]);
                max = Math.Max(max, frame[p]);
                sum += frame[p];
            }

            if (max - min > MaxSpread * 4)
            {
                return false;
            }

            var mean = sum / pixels.Length;
            first = double.IsNaN(first) ? mean : first;
            if (Math.Abs(mean - first) > MaxSpread)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>4×4-block means with the frame's own mean removed and scaled to unit length: blind to brightness and contrast.</summary>
    private static double[] Signature(float[] frame, int width, int height)
    {
        var (bw, bh) = (Math.Max(1, width / 4), Math.Max(1, height / 4));
        var signature = new double[bw * bh];
        for (var y = 0; y < bh * 4 && y < height; y++)
        {
            for (var x = 0; x < bw * 4 && x < width; x++)
            {
                signature[(y / 4) * bw + x / 4] += frame[y * width + x];
            }
        }

        var mean = signature.Average();
        var norm = Math.Sqrt(signature.Sum(value => (value - mean) * (value - mean)));
        for (var i = 0; i < signature.Length; i++)
        {
            signature[i] = norm > 1e-9 ? (signature[i] - mean) / norm : 0;
        }

        return signature;
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz's method).</summary>
    private static double IncompleteBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * ContinuedFraction(x, a, b) / a
            : 1 - front * ContinuedFraction(1 - x, b, a) / b;
    }

    private static double ContinuedFraction(double x, double a, double b)
    {
        const double Tiny = 1e-300;
        var c = 1.0;
        var d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
        var result = d;
        for (var m = 1; m <= 300; m++)
        {
            foreach (var numerator in new[]
            {
                m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
            })
            {
                d = 1 + numerator * d;
                d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
                c = 1 + numerator / c;
                c = Math.Abs(c) < Tiny ? Tiny : c;
                result *= d * c;
            }

            if (Math.Abs(d * c - 1) < 1e-12)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>ln Γ(x) for x > 0 (Lanczos approximation, g = 7).</summary>
    private static double LogGamma(double x)
    {
        double[] coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = coefficients[0];
        for (var i = 1; i < coefficients.Length; i++)
        {
            sum += coefficients[i] / (x + i);
        }

        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
