using Microsoft.Extensions.Options;
using Streamio.Abstractions.Forensics;
using Streamio.Abstractions.Videos;
using Streamio.Grains.Planning;
using Streamio.Grains.Videos;
using Streamio.Media;
using Streamio.Media.Forensics;
using Streamio.Storage;

namespace Streamio.Grains.Forensics;

/// <summary>
/// Names the viewer whose stream a recorded leak came from: decodes the leak and the video's plain forensic rung to
/// small grayscale frames, finds the letterbox and where the leak starts, reads the mark's sign in every segment the
/// leak covers, and compares those bits with each known viewer's code (<see cref="LeakAnalysis"/>).
/// </summary>
public sealed class LeakDetector(
    IGrainFactory grains, IObjectStorage storage, GrayFrameReader frames, IOptions<ForensicOptions> options, IOptions<EncodingOptions> encoding)
{
    /// <summary>Fewer bits than this cannot tell viewers apart with any confidence.</summary>
    public const int MinSegments = 4;

    /// <summary>A runner-up scoring at least this share of the best viewer's score makes the answer ambiguous.</summary>
    public const double AmbiguousShare = 0.5;

    /// <summary>Letterbox detection needs only a few frames a second, and enough lines to place a bar's edge.</summary>
    private static readonly GraySampling BarsSampling = new(2, 160, 120);

    public async Task<LeakReport> DetectAsync(LeakRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var video = await grains.GetGrain<IVideoGrain>(request.VideoId).GetAsync();
        if (video is not { ForensicRung: { } rung } || video.ProjectId != request.ProjectId)
        {
            throw new InvalidOperationException($"Video {request.VideoId} is not a forensic video of project {request.ProjectId}.");
        }
        var forensic = await grains.GetGrain<IForensicGrain>(request.VideoId).GetAsync()
            ?? throw new InvalidOperationException($"Video {request.VideoId} has no forensic codes.");
        var viewers = await grains.GetGrain<IForensicGrain>(request.VideoId).GetViewersAsync();
        var variantGrain = grains.GetGrain<IVariantGrain>(VariantKeys.Of(request.VideoId, rung));
        var variant = await variantGrain.GetAsync() ?? throw new InvalidOperationException($"Video {request.VideoId} has no rendition {rung}.");
        var key = await variantGrain.GetKeyAsync() ?? throw new InvalidOperationException($"Video {request.VideoId} has no rendition {rung}.");

        var scratch = Path.GetFullPath(Path.Combine(encoding.Value.WorkPath, "forensics", Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(scratch);
        try
        {
            var leakLocation = await storage.LocateForReadingAsync(request.LeakKey, TimeSpan.FromHours(1), cancellationToken);
            var leakInput = new MediaInput(leakLocation.Location, leakLocation.Protocols);
            var width = settings.AnalysisWidth;
            var height = Math.Max(2, (int)Math.Round(width * (double)variant.Height / variant.Width / 2) * 2);
            GrayClip leak;
            try
            {
                var bars = await frames.ReadAsync(leakInput, BarsSampling, Path.Combine(scratch, "bars.gray"), null, cancellationToken);
                var box = LeakAnalysis.ContentBox(bars);
                leak = await frames.ReadAsync(leakInput, new GraySampling(settings.AnalysisFps, width, height, box), Path.Combine(scratch, "leak.gray"), null, cancellationToken);
            }
            catch (MediaToolException error)
            {
                return LeakReport.NoMatch(LeakVerdict.Unreadable, $"The recording could not be decoded as a video: {error.Message}");
            }

            var referencePath = Path.Combine(scratch, "reference.ts");
            await RenditionReader.DecryptToFileAsync(storage, variant, key, referencePath, cancellationToken);
            var reference = await frames.ReadAsync(MediaInput.OwnRendition(referencePath), new GraySampling(settings.AnalysisFps, width, height),
                Path.Combine(scratch, "reference.gray"), video.Source?.DurationSeconds, cancellationToken);
            return Judge(request.VideoId, forensic, viewers, leak, reference, video.SegmentSeconds, new ForensicPattern(request.VideoId).Sample(width, height));
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // Scratch space only.
            }
        }
    }

    /// <summary>The verdict from decoded frames: alignment, bits, then the viewers' scores.</summary>
    public LeakReport Judge(
        string videoId, ForensicView forensic, IReadOnlyList<ForensicViewer> viewers, GrayClip leak, GrayClip reference, double segmentSeconds, double[] pattern)
    {
        var settings = options.Value;
        var alignment = LeakAnalysis.Align(leak, reference);
        var offset = Math.Round(alignment.OffsetFrames / reference.Fps, 2);
        if (alignment.Similarity < settings.MinAlignment)
        {
            return LeakReport.NoMatch(LeakVerdict.NotThisVideo,
                $"The recording does not line up with this video anywhere (best similarity {alignment.Similarity:0.00}, at least {settings.MinAlignment:0.00} needed): it is a copy of another video, or too altered to compare.",
                alignment: alignment.Similarity);
        }
        var bits = LeakAnalysis.ReadBits(leak, reference, alignment, segmentSeconds, pattern);
        if (bits.Count < MinSegments)
        {
            return LeakReport.NoMatch(LeakVerdict.TooShort,
                $"The recording covers {bits.Count} whole segment(s) of the video; at least {MinSegments} are needed to read a code.",
                bits.Count, alignment.Similarity, offset);
        }
        var scores = viewers
            .Select(viewer => new ViewerScore(viewer.Viewer,
                Math.Round(LeakAnalysis.Score(bits, segment => ForensicCode.Sign(forensic.CodeKey, videoId, viewer.Viewer, segment)), 3),
                Math.Round(LeakAnalysis.Agreement(bits, segment => ForensicCode.Sign(forensic.CodeKey, videoId, viewer.Viewer, segment)), 3)))
            .OrderByDescending(score => score.Score).ToList();
        var top = scores.Take(5).ToList();
        if (scores.Count == 0)
        {
            return LeakReport.NoMatch(LeakVerdict.NoMatch, "No viewer has been given a forensic stream of this video yet.", bits.Count, alignment.Similarity, offset);
        }
        // Each known viewer is one more chance for a code to fit by luck (Bonferroni).
        var confidence = Confidence(scores[0].Score, bits.Count, scores.Count);
        if (confidence < settings.MinConfidence)
        {
            return LeakReport.NoMatch(LeakVerdict.NoMatch,
                $"No known viewer's code explains the recording (best: confidence {confidence:0.000}, {settings.MinConfidence:0.###} needed): it carries no mark, or comes from a stream without a viewer.",
                bits.Count, alignment.Similarity, offset, top);
        }
        // A strong mark makes any code that agrees on most segments look significant too; only one close behind the best
        // (as when two viewers' streams were mixed) makes the answer ambiguous.
        if (scores.Count > 1 && Confidence(scores[1].Score, bits.Count, scores.Count) >= settings.MinConfidence && scores[1].Score >= scores[0].Score * AmbiguousShare)
        {
            return LeakReport.NoMatch(LeakVerdict.NoMatch,
                $"The recording fits several viewers' codes ({scores[0].Viewer}, {scores[1].Viewer}): a longer recording is needed to tell them apart, or they colluded.",
                bits.Count, alignment.Similarity, offset, top);
        }
        return new LeakReport(LeakVerdict.Match, scores[0].Viewer, Math.Round(confidence, 6), bits.Count, null, offset, alignment.Similarity, top);
    }

    private static double Confidence(double score, int bits, int viewers) =>
        Math.Max(0, 1 - LeakAnalysis.TailProbability(score, LeakAnalysis.ScoreDegrees(bits)) * Math.Max(1, viewers));
}
