using System.Globalization;

namespace Streamio.Media.Processes;

/// <summary>
/// Reads FFmpeg's <c>-progress</c> output: blocks of key=value lines, each closed by <c>progress=continue|end</c>.
/// </summary>
public sealed class FfmpegProgressParser(Action<FfmpegProgress> onProgress)
{
    private TimeSpan _outTime;
    private long? _frame;

    public void Feed(string line)
    {
        var eq = line.IndexOf('=');
        if (eq <= 0)
        {
            return;
        }

        var key = line.AsSpan(0, eq).Trim();
        var value = line.AsSpan(eq + 1).Trim();
        switch (key)
        {
            // out_time_ms is microseconds too (a long-standing FFmpeg misnomer); prefer out_time_us when both come.
            case "out_time_us":
            case "out_time_ms":
                if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var us) && us >= 0)
                {
                    _outTime = TimeSpan.FromMicroseconds(us);
                }

                break;
            case "frame":
                if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var frame))
                {
                    _frame = frame;
                }

                break;
            case "progress":
                onProgress(new FfmpegProgress(_outTime, _frame, value.SequenceEqual("end")));
                break;
        }
    }
}
