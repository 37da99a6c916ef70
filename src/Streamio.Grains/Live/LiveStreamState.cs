using Streamio.Abstractions.Live;
using Streamio.Abstractions.Videos;

namespace Streamio.Grains.Live;

/// <summary>The durable state of one live stream: its settings and key, its current (or last) session, its recordings and its outbox.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class LiveStreamState
{
    public string Id { get; set; } = "";

    public string ProjectId { get; set; } = "";

    public string? Title { get; set; }

    public string StreamKey { get; set; } = "";

    public int DvrWindowSeconds { get; set; }

    public bool Record { get; set; }

    public LiveStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public LiveSessionState? Session { get; set; }

    /// <summary>The videos made from this stream's sessions, newest first.</summary>
    public List<string> RecordingVideoIds { get; set; } = [];

    /// <summary>Recordings whose live.recording.ready was raised.</summary>
    public List<string> ReadyRecordings { get; set; } = [];

    /// <summary>Committed events not yet handed to the project's webhooks.</summary>
    public List<LiveStreamEvent> Outbox { get; set; } = [];

    public bool Exists => Id.Length > 0;
}

/// <summary>One publish-to-end span: its legs (connections), ladder, keys, segments per rendition and where they are stored.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class LiveSessionState
{
    public string SessionId { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public string? EndReason { get; set; }

    /// <summary>The current leg's number (1 for the first connection).</summary>
    public int Leg { get; set; }

    /// <summary>Whether the current leg's publisher is still connected (false during the reconnect grace).</summary>
    public bool Attached { get; set; }

    public DateTimeOffset? GraceEndsAt { get; set; }

    /// <summary>The silo holding the current leg.</summary>
    public string? Silo { get; set; }

    public string? Protocol { get; set; }

    public string? Remote { get; set; }

    public SourceFacts? Source { get; set; }

    public List<RenditionPlan> Renditions { get; set; } = [];

    public double SegmentSeconds { get; set; }

    /// <summary>Each rendition's AES-128 key; a recording's variants take the same keys, so its segments are never re-encrypted.</summary>
    public Dictionary<string, byte[]> Keys { get; set; } = [];

    /// <summary>Each rendition's CENC key id and key for its CMAF twins; empty when the session makes none (DASH off).</summary>
    public Dictionary<string, LiveCencState> Cenc { get; set; } = [];

    /// <summary>Where the CMAF twins are stored: <c>{CmafPrefix}{rendition}/init.mp4</c> and <c>{index}.m4s</c>.</summary>
    public string CmafPrefix { get; set; } = "";

    /// <summary>Each rendition's segment durations, by index from 0.</summary>
    public Dictionary<string, List<double>> Durations { get; set; } = [];

    /// <summary>The last latency measured per rendition, in seconds (a frame's arrival to its segment in the playlist).</summary>
    public Dictionary<string, double> Latency { get; set; } = [];

    public List<LiveLegState> Legs { get; set; } = [];

    /// <summary>Where segments are stored: <c>{StoragePrefix}{rendition}/{index}.ts</c>.</summary>
    public string StoragePrefix { get; set; } = "";

    /// <summary>The video the recording becomes (reserved at the start when the stream records).</summary>
    public string? RecordingVideoId { get; set; }

    /// <summary>The recording video exists (or there was nothing to record, or the unrecorded segments were deleted).</summary>
    public bool Settled { get; set; }

    public bool Active => EndedAt is null;
}

/// <summary>A rendition's CENC key, its init's codec fingerprint and timescale, and its CMAF segments' starts (index → tfdt).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class LiveCencState
{
    public byte[] KeyId { get; set; } = [];

    public byte[] Key { get; set; } = [];

    /// <summary>The fingerprint of the stored init (<c>CmafFragment.CodecConfig</c>); null until the first CMAF segment.</summary>
    public string? CodecConfig { get; set; }

    public int Timescale { get; set; }

    public SortedDictionary<int, long> Starts { get; set; } = [];

    /// <summary>The starts in the unbroken run from index 0 (what a recording's VOD DASH can list).</summary>
    public List<long> ContiguousStarts() => Starts.ContiguousFromZero();
}

/// <summary>One connection of the publisher within a session.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class LiveLegState
{
    public int Number { get; set; }

    /// <summary>When the publisher connected: the wall-clock time of the leg's first segment (EXT-X-PROGRAM-DATE-TIME).</summary>
    public DateTimeOffset ArrivedAt { get; set; }

    /// <summary>Per rendition, the index of the leg's first segment.</summary>
    public Dictionary<string, int> FirstIndexes { get; set; } = [];

    /// <summary>Where the leg starts on the session's timeline.</summary>
    public double StartSeconds { get; set; }
}
