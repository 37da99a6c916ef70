using Streamio.Media.Processes;
using Streamio.Testing;

namespace Streamio.Media.Tests;

public sealed class HlsSegmentWatcherTests
{
    [Fact]
    public void Parses_ffmpeg_playlists_and_ignores_a_torn_last_line()
    {
        const string text = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:7\n#EXT-X-PLAYLIST-TYPE:EVENT\n"
            + "#EXTINF:4.004000,\n7.ts\n#EXTINF:3.970633,\n8.ts\n#EXTINF:4.000000,\n1";

        var (entries, ended) = LocalHlsPlaylist.Parse(text);

        Assert.Equal([new LocalPlaylistEntry(7, 4.004), new LocalPlaylistEntry(8, 3.970633)], entries);
        Assert.False(ended);
        Assert.True(LocalHlsPlaylist.Parse(text + "0.ts\n#EXT-X-ENDLIST\n").Ended);
        Assert.Equal(3, LocalHlsPlaylist.Parse(text + "0.ts\n").Entries.Count);
    }

    [Fact]
    public async Task Reports_only_closed_contiguous_segments_once()
    {
        using var temp = new TempDirectory("watch");
        var playlist = temp.Combine("chunk-3.m3u8");
        var reported = new List<ClosedSegment>();
        var watcher = new HlsSegmentWatcher("x", playlist, temp.Path, 3, s => { reported.Add(s); return Task.CompletedTask; });
        await watcher.PollAsync(); // no playlist yet

        await File.WriteAllTextAsync(temp.Combine("3.ts"), "ts");
        await File.WriteAllTextAsync(playlist, "#EXTM3U\n#EXTINF:2.000000,\n3.ts\n#EXTINF:2.000000,\n4.ts\n");
        await watcher.PollAsync(); // 4.ts is listed but its file is not there yet
        await watcher.PollAsync();
        await File.WriteAllTextAsync(temp.Combine("4.ts"), "ts");
        await watcher.PollAsync();

        Assert.Equal([3, 4], reported.Select(s => s.Index));
        Assert.Equal(2, watcher.Reported);
        Assert.False(watcher.Ended);
    }

    [Fact]
    public async Task Reports_segments_while_ffmpeg_is_still_running()
    {
        using var temp = new TempDirectory("watch");
        var playlist = temp.Combine("index.m3u8");
        var runningWhenReported = new List<bool>();
        Task<ProcessRunResult>? run = null;
        var watcher = new HlsSegmentWatcher("x", playlist, temp.Path, 0, _ =>
        {
            runningWhenReported.Add(!run!.IsCompleted);
            return Task.CompletedTask;
        });

        // Read in real time (-re): 3 s of video closes a segment every second.
        run = FfmpegTools.Runner().RunAsync(
            new ProcessRunRequest(FfmpegTools.Ffmpeg,
            [
                "-hide_banner", "-nostats", "-re", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=3",
                "-c:v", "libx264", "-preset", "ultrafast", "-force_key_frames", "0,1,2", "-g", "1000", "-sc_threshold", "0",
                "-f", "hls", "-hls_time", "0.1", "-hls_list_size", "0", "-hls_playlist_type", "event", "-hls_flags", "temp_file",
                "-hls_segment_filename", temp.Combine("%d.ts"), playlist,
            ])
            { Timeout = TimeSpan.FromMinutes(1) },
            CancellationToken.None);
        while (!run.IsCompleted)
        {
            await watcher.PollAsync();
            await Task.Delay(50);
        }

        Assert.True((await run).Succeeded);
        await watcher.PollAsync();
        Assert.Equal(3, watcher.Reported);
        Assert.True(watcher.Ended);
        Assert.True(runningWhenReported[0], "the first segment was only seen after FFmpeg exited");
    }
}
