using System.Security.Cryptography;
using System.Text;

namespace Streamio.Media.Forensics;

/// <summary>
/// The forensic mark: a faint luma pattern of large smooth blocks (a grid of ±1 cells, cosine-blended between cell
/// centres), the same on every frame. Copy A of the forensic rung carries +strength·pattern, copy B −strength·pattern.
/// Large and smooth, because a leak is scaled, blurred and re-encoded: fine detail would not survive, a few levels of
/// brightness spread over a tenth of the picture do. The signs come from the video id, so each video has its own.
/// </summary>
public sealed class ForensicPattern
{
    public const int Columns = 8;
    public const int Rows = 6;

    private readonly int[] _signs;

    public ForensicPattern(string seed)
    {
        var bits = SHA256.HashData(Encoding.UTF8.GetBytes("streamio-forensic-pattern|" + seed));
        _signs = Enumerable.Range(0, Columns * Rows).Select(i => (bits[i / 8] >> (i % 8) & 1) == 1 ? 1 : -1).ToArray();
    }

    /// <summary>The pattern at (u, v) in [0, 1]² of the picture: between −1 and 1.</summary>
    public double At(double u, double v)
    {
        var (c0, c1, tc) = Neighbours(u, Columns);
        var (r0, r1, tr) = Neighbours(v, Rows);
        var top = Sign(c0, r0) * (1 - tc) + Sign(c1, r0) * tc;
        var bottom = Sign(c0, r1) * (1 - tc) + Sign(c1, r1) * tc;
        return top * (1 - tr) + bottom * tr;
    }

    /// <summary>The pattern sampled at the centres of a width × height grid (row by row).</summary>
    public double[] Sample(int width, int height)
    {
        var values = new double[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                values[y * width + x] = At((x + 0.5) / width, (y + 0.5) / height);
            }
        }

        return values;
    }

    /// <summary>
    /// One raw yuv420p frame for FFmpeg's <c>blend=all_mode=grainmerge</c> (A + B − 128): luma 128 + sign·strength·pattern,
    /// chroma 128, so only the brightness moves. <paramref name="sign"/> is +1 for copy A, −1 for copy B.
    /// </summary>
    public byte[] Yuv420Frame(int width, int height, double strength, int sign)
    {
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0)
        {
            throw new ArgumentException($"A yuv420p frame needs positive even sides, not {width}x{height}.");
        }

        var frame = new byte[width * height * 3 / 2];
        var luma = Sample(width, height);
        for (var i = 0; i < luma.Length; i++)
        {
            frame[i] = (byte)Math.Clamp(128 + (int)Math.Round(sign * strength * luma[i]), 0, 255);
        }

        Array.Fill(frame, (byte)128, luma.Length, frame.Length - luma.Length);
        return frame;
    }

    private int Sign(int column, int row) => _signs[row * Columns + column];

    /// <summary>The two cell centres around a coordinate and the cosine weight of the second.</summary>
    private static (int First, int Second, double Weight) Neighbours(double coordinate, int cells)
    {
        var x = Math.Clamp(coordinate, 0, 1) * cells - 0.5;
        var first = (int)Math.Floor(x);
        var t = x - first;
        var weight = (1 - Math.Cos(Math.PI * t)) / 2;
        return (Math.Clamp(first, 0, cells - 1), Math.Clamp(first + 1, 0, cells - 1), weight);
    }
}
