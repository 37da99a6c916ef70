namespace Streamio.Grains.Planning;

/// <summary>
/// Whether new videos also get CMAF segments (CENC, for DASH and fMP4 HLS) beside their TS segments
/// (<c>Streamio:Playback:Dash</c>). Off saves their storage; videos already encoded keep what they have.
/// </summary>
public sealed class DashOutputOptions
{
    public const string SectionName = "Streamio:Playback";

    public bool Dash { get; set; } = true;
}
