using System.Globalization;
using System.Text;

using Streamio.Abstractions.Videos;

namespace Streamio.Grains.Videos;

/// <summary>Renders the WebVTT that maps each time range to its tile of the storyboard sprite (media fragment #xywh).</summary>
public static class StoryboardVtt
{
    public static string Render(StoryboardInfo storyboard, double durationSeconds, string spriteUri)
    {
        var text = new StringBuilder("WEBVTT\n");
        for (var tile = 0; tile < storyboard.TileCount; tile++)
        {
            var start = tile * storyboard.IntervalSeconds;
            if (start >= durationSeconds && tile > 0)
            {
                break;
            }
            var end = Math.Min(durationSeconds, start + storyboard.IntervalSeconds);
            var x = tile % storyboard.Columns * storyboard.TileWidth;
            var y = tile / storyboard.Columns * storyboard.TileHeight;
            text.Append(CultureInfo.InvariantCulture,
                $"\n{Timestamp(start)} --> {Timestamp(end)}\n{spriteUri}#xywh={x},{y},{storyboard.TileWidth},{storyboard.TileHeight}\n");
        }
        return text.ToString();
    }

    private static string Timestamp(double seconds) =>
        TimeSpan.FromSeconds(seconds).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
}
