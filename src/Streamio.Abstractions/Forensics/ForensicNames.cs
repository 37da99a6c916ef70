using Streamio.Abstractions.Videos;

namespace Streamio.Abstractions.Forensics;

/// <summary>The renditions holding the A and B copies of a forensic rung: "{rung}-a" and "{rung}-b".</summary>
public static class ForensicNames
{
    public static string Copy(string rung, ForensicCopy copy) => copy switch
    {
        ForensicCopy.A => $"{rung}-a",
        ForensicCopy.B => $"{rung}-b",
        _ => rung,
    };
}
