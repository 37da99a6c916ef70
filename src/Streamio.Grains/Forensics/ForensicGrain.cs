using System.Security.Cryptography;
using Streamio.Abstractions.Forensics;

namespace Streamio.Grains.Forensics;

/// <summary>The forensic grain's state: the rung, the code secret and the viewers who were given forensic streams.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class ForensicState
{
    public string ProjectId { get; set; } = "";

    public string Rung { get; set; } = "";

    public byte[] CodeKey { get; set; } = [];

    /// <summary>Viewer → when a forensic stream was first handed to them.</summary>
    public Dictionary<string, DateTimeOffset> Viewers { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One forensic video's codes and audience (key: video id). The secret lives in grain state, like the variants' AES keys:
/// whoever has it can compute any viewer's code, so it never leaves the cluster and the API nodes.
/// </summary>
public sealed class ForensicGrain([PersistentState("forensic", GrainStorage.Name)] IPersistentState<ForensicState> store, TimeProvider time)
    : Grain, IForensicGrain
{
    /// <summary>A video's audience is bounded so its state stays one small row; past it new viewers are not told apart.</summary>
    public const int MaxViewers = 100_000;

    private ForensicState State => store.State;

    public async Task InitializeAsync(string projectId, string rung)
    {
        if (State.CodeKey.Length > 0)
        {
            return;
        }
        store.State = new ForensicState { ProjectId = projectId, Rung = rung, CodeKey = RandomNumberGenerator.GetBytes(32) };
        await store.WriteStateAsync();
    }

    public Task<ForensicView?> GetAsync() =>
        Task.FromResult(State.CodeKey.Length == 0 ? null : new ForensicView(State.ProjectId, State.Rung, State.CodeKey, State.Viewers.Count));

    public async Task RecordViewerAsync(string viewer)
    {
        if (State.CodeKey.Length == 0 || State.Viewers.ContainsKey(viewer) || State.Viewers.Count >= MaxViewers)
        {
            return;
        }
        State.Viewers[viewer] = time.GetUtcNow();
        await store.WriteStateAsync();
    }

    public Task<IReadOnlyList<ForensicViewer>> GetViewersAsync() => Task.FromResult<IReadOnlyList<ForensicViewer>>(
        State.Viewers.OrderBy(entry => entry.Value).Select(entry => new ForensicViewer(entry.Key, entry.Value)).ToList());

    public async Task DeleteAsync()
    {
        await store.ClearStateAsync();
        store.State = new ForensicState();
    }
}
