namespace Streamio.Storage;

/// <summary>The one place that decides where a video's objects live, so deletes can remove a single prefix.</summary>
public static class StorageKeys
{
    public static string VideoPrefix(string videoId) => $"videos/{videoId}/";

    public static string Source(string videoId) => $"videos/{videoId}/source";

    public static string Segment(string videoId, string rendition, int index) =>
        $"videos/{videoId}/hls/{rendition}/{index}.ts";

    public static string Poster(string videoId) => $"videos/{videoId}/images/poster.jpg";

    public static string StoryboardSprite(string videoId) => $"videos/{videoId}/images/storyboard.jpg";

    public static string StoryboardVtt(string videoId) => $"videos/{videoId}/images/storyboard.vtt";

    /// <summary>Every part of one resumable (tus) upload; removed when the upload completes, is terminated or expires.</summary>
    public static string TusUploadPrefix(string uploadId) => $"tus/{uploadId}/";

    /// <summary>The bytes [<paramref name="start"/>, <paramref name="end"/>) of a tus upload; zero-padded so keys sort by offset.</summary>
    public static string TusPart(string uploadId, long start, long end) => $"tus/{uploadId}/{start:D19}-{end:D19}";
}
