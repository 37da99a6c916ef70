using Orleans.Runtime;
using Orleans.Storage;

namespace Streamio.Cluster;

/// <summary>
/// Puts the grain type into the state name the ADO.NET provider stores. That provider keys a row by state name and
/// grain key only (its GrainTypeString column holds the state name), so two grain classes with the same key and the
/// same state name, say <c>[PersistentState("state")]</c> on a video grain and an upload grain both keyed by one id,
/// would otherwise read and overwrite each other's row. With the type in front they cannot.
/// </summary>
internal sealed class GrainTypeScopedStorage(IGrainStorage inner) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(Scoped(stateName, grainId), grainId, grainState);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        inner.ReadStateAsync(Scoped(stateName, grainId), grainId, grainState, cancellationToken);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.WriteStateAsync(Scoped(stateName, grainId), grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        inner.WriteStateAsync(Scoped(stateName, grainId), grainId, grainState, cancellationToken);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(Scoped(stateName, grainId), grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        inner.ClearStateAsync(Scoped(stateName, grainId), grainId, grainState, cancellationToken);

    /// <summary>"video/state". A backtick (generic grain types) would make the provider parse the name as a .NET type name.</summary>
    internal static string Scoped(string stateName, GrainId grainId) => $"{grainId.Type.ToString()?.Replace('`', '~')}/{stateName}";
}
