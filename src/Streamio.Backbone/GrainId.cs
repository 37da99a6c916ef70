namespace Streamio.Backbone;

/// <summary>Identity of a grain: its type ("video", "variant") and key.</summary>
public readonly record struct GrainId(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}

/// <summary>A grain's durable state as stored, with the version that guards the next write.</summary>
public sealed record GrainSnapshot(GrainId Id, string StateJson, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Position in a newest-first listing of one grain type.</summary>
public sealed record GrainPageCursor(long CreatedAtMs, string Key);
