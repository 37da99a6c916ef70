namespace Streamio.Storage;

/// <summary>
/// The one place that decides where a video's objects live: under its project (<c>projects/{projectId}/videos/{videoId}/</c>),
/// so deletes remove a single prefix and a project's objects can be listed, billed or removed together.
/// </summary>
public static class StorageKeys
{
    public static string ProjectPrefix(string projectId) => $"projects/{Checked(projectId)}/";

    public static string VideoPrefix(string projectId, string videoId) => $"{ProjectPrefix(projectId)}videos/{Checked(videoId)}/";

    public static string Source(string projectId, string videoId) => $"{VideoPrefix(projectId, videoId)}source";

    public static string Segment(string projectId, string videoId, string rendition, int index) =>
        $"{SegmentFolder(projectId, videoId)}{Checked(rendition)}/{index}.ts";

    /// <summary>The folder of a video's renditions (<c>{rendition}/{index}.ts</c> under it); a recorded live session writes straight into it.</summary>
    public static string SegmentFolder(string projectId, string videoId) => $"{VideoPrefix(projectId, videoId)}hls/";

    /// <summary>
    /// The segments of a live session that is not recorded (<c>{rendition}/{index}.ts</c> under it), deleted when the
    /// session ends. A recorded session writes into its recording video's <see cref="SegmentFolder"/> instead.
    /// </summary>
    public static string LiveSessionPrefix(string projectId, string liveStreamId, string sessionId) =>
        $"{ProjectPrefix(projectId)}live/{Checked(liveStreamId)}/{Checked(sessionId)}/";

    /// <summary>A live segment under a session's folder (<see cref="LiveSessionPrefix"/> or <see cref="SegmentFolder"/>).</summary>
    public static string LiveSegment(string folder, string rendition, int index) => $"{folder}{Checked(rendition)}/{index}.ts";

    /// <summary>A rendition's CMAF init segment (ftyp + moov, CENC): one for all its media segments.</summary>
    public static string CmafInit(string projectId, string videoId, string rendition) => LiveCmafInit(CmafFolder(projectId, videoId), rendition);

    /// <summary>The CMAF twin of TS segment <paramref name="index"/> (moof + mdat, CENC): same frames, same time span.</summary>
    public static string CmafSegment(string projectId, string videoId, string rendition, int index) =>
        LiveCmafSegment(CmafFolder(projectId, videoId), rendition, index);

    /// <summary>The folder of a video's CMAF renditions (<c>{rendition}/init.mp4</c>, <c>{rendition}/{index}.m4s</c>); a recorded live session writes into it.</summary>
    public static string CmafFolder(string projectId, string videoId) => $"{VideoPrefix(projectId, videoId)}cmaf/";

    /// <summary>The CMAF twins of an unrecorded live session: inside its <see cref="LiveSessionPrefix"/>, so they go with it.</summary>
    public static string LiveSessionCmafPrefix(string projectId, string liveStreamId, string sessionId) =>
        $"{LiveSessionPrefix(projectId, liveStreamId, sessionId)}cmaf/";

    /// <summary>A live rendition's CMAF init under a CMAF folder (<see cref="CmafFolder"/> or <see cref="LiveSessionCmafPrefix"/>).</summary>
    public static string LiveCmafInit(string folder, string rendition) => $"{folder}{Checked(rendition)}/init.mp4";

    /// <summary>A live CMAF segment under a CMAF folder (<see cref="CmafFolder"/> or <see cref="LiveSessionCmafPrefix"/>).</summary>
    public static string LiveCmafSegment(string folder, string rendition, int index) => $"{folder}{Checked(rendition)}/{index}.m4s";

    public static string Poster(string projectId, string videoId) => $"{VideoPrefix(projectId, videoId)}images/poster.jpg";

    public static string StoryboardSprite(string projectId, string videoId) => $"{VideoPrefix(projectId, videoId)}images/storyboard.jpg";

    public static string StoryboardVtt(string projectId, string videoId) => $"{VideoPrefix(projectId, videoId)}images/storyboard.vtt";

    /// <summary>The MP4 download of the top rendition (with the audio), made on first request once the video is ready.</summary>
    public static string Download(string projectId, string videoId) => $"{VideoPrefix(projectId, videoId)}download/video.mp4";

    /// <summary>Every object of one viewer's watermark session (all its generations); deleted when the session expires.</summary>
    public static string WatermarkSessionPrefix(string projectId, string videoId, string sessionId) => $"{VideoPrefix(projectId, videoId)}watermarks/{Checked(sessionId)}/";

    /// <summary>A watermarked segment; the generation changes each time the session starts afresh, so a late write never lands in a newer one.</summary>
    public static string WatermarkSegment(string projectId, string videoId, string sessionId, string generation, int index) =>
        $"{WatermarkSessionPrefix(projectId, videoId, sessionId)}{Checked(generation)}/{index}.ts";

    /// <summary>One storyboard tile, made by the chunk that holds its time; removed once the sprite is composed.</summary>
    public static string StoryboardTile(string projectId, string videoId, int index) => $"{VideoPrefix(projectId, videoId)}images/tiles/{index:D6}.jpg";

    /// <summary>
    /// A project logo, one object per upload and never overwritten: videos keep the logo they were made with while the
    /// project moves on to a new one.
    /// </summary>
    public static string ProjectLogo(string projectId, string logoId) => $"{ProjectPrefix(projectId)}logos/{Checked(logoId)}.png";

    /// <summary>Every part of one resumable (tus) upload; removed when the upload completes, is terminated or expires.</summary>
    /// <summary>A recording sent to the leak detector, kept only while it is analysed.</summary>
    public static string ForensicLeak(string projectId, string leakId) => $"{ProjectPrefix(projectId)}forensics/{Checked(leakId)}";

    public static string TusUploadPrefix(string projectId, string uploadId) => $"{ProjectPrefix(projectId)}tus/{Checked(uploadId)}/";

    /// <summary>The bytes [<paramref name="start"/>, <paramref name="end"/>) of a tus upload; zero-padded so keys sort by offset.</summary>
    public static string TusPart(string projectId, string uploadId, long start, long end) => $"{TusUploadPrefix(projectId, uploadId)}{start:D19}-{end:D19}";

    /// <summary>Ids are made by Streamio, but a key segment must never climb out of its prefix whatever it is given.</summary>
    private static string Checked(string segment) =>
        string.IsNullOrEmpty(segment) || segment.Contains('/') || segment.Contains('\\') || segment is "." or ".."
            ? throw new ArgumentException($"'{segment}' cannot be part of a storage key.", nameof(segment))
            : segment;
}
