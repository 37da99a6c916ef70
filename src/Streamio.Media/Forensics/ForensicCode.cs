using System.Security.Cryptography;
using System.Text;

namespace Streamio.Media.Forensics;

/// <summary>
/// A viewer's A/B code: bit i says whether segment i of the forensic rung is served from copy A or B. Each bit is an
/// HMAC of the video, the viewer and i under the video's secret, so any run of segments is a codeword of its own, no
/// viewer can predict another's, and a leak that starts anywhere still carries one bit per segment it holds.
/// </summary>
public static class ForensicCode
{
    /// <summary>True: copy A (+mark) for segment <paramref name="index"/>; false: copy B.</summary>
    public static bool UsesA(byte[] key, string videoId, string viewer, int index)
    {
        var message = Encoding.UTF8.GetBytes($"{videoId}|{viewer}|{index}");
        return (HMACSHA256.HashData(key, message)[0] & 1) == 0;
    }

    /// <summary>+1 for A, −1 for B: the sign the mark has in segment <paramref name="index"/> of this viewer's stream.</summary>
    public static int Sign(byte[] key, string videoId, string viewer, int index) => UsesA(key, videoId, viewer, index) ? 1 : -1;
}
