using Streamio.Testing;

namespace Streamio.Media.Tests;

/// <summary>The layout of real files FFmpeg wrote, told from their first bytes only.</summary>
public sealed class SourceLayoutTests
{
    private static readonly ClipSpec Clip = new(DurationSeconds: 2, Width: 160, Height: 90);

    [Theory]
    [InlineData("front.mp4", "-movflags +faststart", SourceReadability.FromTheFront, "mp4")]
    [InlineData("fragmented.mp4", "-movflags frag_keyframe+empty_moov", SourceReadability.FromTheFront, "mp4")]
    [InlineData("end.mp4", "", SourceReadability.IndexAtTheEnd, "mp4")]
    [InlineData("end.mov", "", SourceReadability.IndexAtTheEnd, "mp4")]
    [InlineData("clip.mkv", "", SourceReadability.FromTheFront, "matroska")]
    [InlineData("clip.ts", "", SourceReadability.FromTheFront, "mpegts")]
    public async Task A_remuxed_clip_is_told_from_its_first_4_KiB(string name, string flags, SourceReadability expected, string container)
    {
        using var scratch = new TempDirectory();
        var path = Path.Combine(scratch.Path, name);
        var source = await ClipFactory.GetAsync(Clip);
        await FfmpegTools.FfmpegAsync(["-hide_banner", "-y", "-i", source, "-c", "copy", .. flags.Split(' ', StringSplitOptions.RemoveEmptyEntries), path]);

        var layout = SourceLayout.Detect(Head(path, 4096));

        Assert.Equal((expected, container), (layout.Readability, layout.Container));
    }

    [Fact]
    public async Task WebM_is_matroska_from_the_front()
    {
        var webm = await ClipFactory.GetAsync(Clip with { Container = ClipContainer.Webm, WithAudio = false });
        Assert.Equal(new SourceLayout(SourceReadability.FromTheFront, "matroska"), SourceLayout.Detect(Head(webm, 64)));
    }

    [Fact]
    public async Task A_head_that_ends_inside_the_first_boxes_asks_for_more_and_more_settles_it()
    {
        using var scratch = new TempDirectory();
        var path = Path.Combine(scratch.Path, "front.mp4");
        await FfmpegTools.FfmpegAsync(["-hide_banner", "-y", "-i", await ClipFactory.GetAsync(Clip), "-c", "copy", "-movflags", "+faststart", path]);

        var partial = SourceLayout.Detect(Head(path, 20));
        Assert.Equal(SourceReadability.NeedMore, partial.Readability);
        Assert.Equal(SourceReadability.FromTheFront, SourceLayout.Detect(Head(path, (int)partial.BytesNeeded)).Readability);
    }

    [Theory]
    [InlineData("not a video at all, just some text")]
    [InlineData("\u0000\u0000\u0000\u0000ftypisom\u0000\u0000\u0000\u0000")]
    public void Anything_else_is_unknown(string text) =>
        Assert.Equal(SourceReadability.Unknown, SourceLayout.Detect(System.Text.Encoding.ASCII.GetBytes(text)).Readability);

    private static byte[] Head(string path, int length)
    {
        using var file = File.OpenRead(path);
        var head = new byte[Math.Min(length, file.Length)];
        file.ReadExactly(head);
        return head;
    }
}
