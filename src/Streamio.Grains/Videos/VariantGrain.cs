using Streamio.Abstractions.Videos;
using Streamio.Media;
using Streamio.Media.Cmaf;

namespace Streamio.Grains.Videos;

/// <summary>
/// The variant grain (key "{videoId}/{rendition}"): one rendition's AES-128 key (kept here, never beside the segments)
/// and its registered segments; with CMAF output, also its CENC key and KID and its CMAF segments' start times. Registration is idempotent, so a chunk that ran twice registers each segment once.
/// </summary>
public sealed class VariantGrain([PersistentState("variant", GrainStorage.Name)] IPersistentState<VariantState> store) : Grain, IVariantGrain
{
    private VariantState State => store.State;

    public async Task InitializeAsync(VariantPlan plan)
    {
        if (State.Key.Length > 0)
        {
            return;
        }
        store.State = NewState(plan, SegmentCipher.NewKey());
        await store.WriteStateAsync();
    }

    public async Task InitializeRecordedAsync(VariantPlan plan, byte[] key, IReadOnlyList<double> durations, RecordedCmaf? cmaf = null)
    {
        if (State.Key.Length > 0)
        {
            return;
        }
        store.State = NewState(plan with { SegmentCount = durations.Count }, key);
        State.SegmentCountFinal = true;
        State.Complete = true;
        for (var index = 0; index < durations.Count; index++)
        {
            State.Segments[index] = durations[index];
        }
        if (cmaf is not null)
        {
            // The session's CMAF twins are in the video's CMAF folder already, under the session's CENC key.
            (State.CencKeyId, State.CencKey, State.CmafTimescale) = (cmaf.KeyId, cmaf.Key, cmaf.Timescale);
            for (var index = 0; index < cmaf.Starts.Count; index++)
            {
                State.CmafSegments[index] = cmaf.Starts[index];
            }
        }
        await store.WriteStateAsync();
    }

    public Task<VariantView?> GetAsync() => Task.FromResult(State.Key.Length == 0 ? null : new VariantView(
        State.VideoId, State.ProjectId, State.Rendition.Name, State.Rendition.IsAudio, State.Rendition.Width, State.Rendition.Height,
        State.Rendition.BitrateKbps, State.SegmentCount, State.Complete, State.ContiguousPrefix(), [.. State.Segments.Keys],
        State.CencKeyId.Length == 0 ? null : State.CencKeyId, State.CmafTimescale, State.ContiguousCmafStarts()));

    public Task<byte[]?> GetKeyAsync() => Task.FromResult(State.Key.Length == 0 ? null : State.Key);

    public Task<CencKeyPair?> GetCencKeyAsync() =>
        Task.FromResult(State.Key.Length == 0 || State.CencKey.Length == 0 ? null : new CencKeyPair(State.CencKeyId, State.CencKey));

    public async Task<SegmentRegistration> RegisterCmafSegmentAsync(int index, long startTime, int timescale)
    {
        if (State.Key.Length == 0)
        {
            return new SegmentRegistration(RegisterOutcome.Gone, 0, false);
        }
        if (State.CencKey.Length == 0)
        {
            throw new InvalidOperationException($"Rendition {State.Rendition.Name} of video {State.VideoId} has no CMAF output.");
        }
        if (State.CmafTimescale != 0 && State.CmafTimescale != timescale)
        {
            // Another run's init would not describe this segment's times: a player could not join them.
            throw new InvalidOperationException(
                $"CMAF segment {index} of {State.VideoId}/{State.Rendition.Name} has timescale {timescale}, its rendition {State.CmafTimescale}.");
        }
        if (!State.CmafSegments.TryAdd(index, startTime))
        {
            return Registration(RegisterOutcome.Duplicate);
        }
        State.CmafTimescale = timescale;
        await store.WriteStateAsync();
        return Registration(RegisterOutcome.Registered);
    }

    public async Task<SegmentRegistration> RegisterSegmentAsync(int index, double durationSeconds)
    {
        if (State.Key.Length == 0)
        {
            return new SegmentRegistration(RegisterOutcome.Gone, 0, false);
        }
        if (State.Complete || !State.Segments.TryAdd(index, durationSeconds))
        {
            return Registration(RegisterOutcome.Duplicate);
        }
        // Video rungs know their length from the plan; the audio's is only known when its encode ends (CompleteAsync).
        State.Complete = (State.SegmentCountFinal || !State.Rendition.IsAudio) && State.Segments.Count >= State.SegmentCount;
        await store.WriteStateAsync();
        return Registration(RegisterOutcome.Registered);
    }

    public async Task<SegmentRegistration> CompleteAsync(int segmentCount)
    {
        if (State.Key.Length == 0)
        {
            return new SegmentRegistration(RegisterOutcome.Gone, 0, false);
        }
        if (!State.Complete)
        {
            State.SegmentCount = segmentCount;
            State.SegmentCountFinal = true;
            State.Complete = State.Segments.Count >= segmentCount;
            await store.WriteStateAsync();
        }
        return Registration(RegisterOutcome.Registered);
    }

    public async Task PlanSegmentsAsync(int segmentCount)
    {
        if (State.Key.Length == 0 || State.Complete || State.SegmentCountFinal)
        {
            return;
        }
        State.SegmentCount = segmentCount;
        State.Complete = !State.Rendition.IsAudio && State.Segments.Count >= segmentCount;
        await store.WriteStateAsync();
    }

    public async Task DeleteAsync()
    {
        await store.ClearStateAsync();
        store.State = new VariantState();
        DeactivateOnIdle();
    }

    private static VariantState NewState(VariantPlan plan, byte[] key)
    {
        var state = new VariantState
        {
            VideoId = plan.VideoId, ProjectId = plan.ProjectId, Rendition = plan.Rendition, SegmentCount = plan.SegmentCount, Key = key,
        };
        if (plan.Cmaf)
        {
            var cenc = CencKey.New();
            (state.CencKeyId, state.CencKey) = (cenc.KeyId, cenc.Key);
        }
        return state;
    }

    private SegmentRegistration Registration(RegisterOutcome outcome) => new(outcome, State.Segments.Count, State.Complete);
}

/// <summary>The durable state of one rendition: its key and the segments registered so far (index → duration).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class VariantState
{
    public string VideoId { get; set; } = "";

    public string ProjectId { get; set; } = "";

    public RenditionPlan Rendition { get; set; } = new("", 0, 0, 0, false);

    public byte[] Key { get; set; } = [];

    /// <summary>How many segments the rendition has: the plan's estimate until the encoder reports the true count.</summary>
    public int SegmentCount { get; set; }

    public bool SegmentCountFinal { get; set; }

    public bool Complete { get; set; }

    public SortedDictionary<int, double> Segments { get; set; } = [];

    /// <summary>The CENC key id and key of the rendition's CMAF segments; empty when it has none (older videos, DASH off).</summary>
    public byte[] CencKeyId { get; set; } = [];

    public byte[] CencKey { get; set; } = [];

    /// <summary>Ticks per second of the CMAF segments' times (from their init); 0 before the first one.</summary>
    public int CmafTimescale { get; set; }

    /// <summary>CMAF segments stored so far: index → start time (tfdt).</summary>
    public SortedDictionary<int, long> CmafSegments { get; set; } = [];

    /// <summary>The CMAF segments' starts, in the unbroken run from index 0.</summary>
    public List<long> ContiguousCmafStarts() => CmafSegments.ContiguousFromZero();

    /// <summary>The segments a player may fetch: the unbroken run from index 0.</summary>
    public List<double> ContiguousPrefix() => Segments.ContiguousFromZero();
}
