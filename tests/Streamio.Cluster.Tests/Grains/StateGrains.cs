using Orleans.Runtime;

namespace Streamio.Cluster.Tests.Grains;

/// <summary>Stored as JSON by Streamio's storage: a plain class with public properties.</summary>
public sealed class NoteState
{
    public string? Text { get; set; }
}

/// <summary>A grain that keeps one note in persistent state; the variants differ only in the storage they name.</summary>
public interface INoteGrain : IGrainWithStringKey
{
    Task Write(string text);

    Task<string?> Read();

    /// <summary>Whether the state was found in (or written to) storage, per the provider.</summary>
    Task<bool> Exists();

    Task Clear();
}

public interface INamedStorageNoteGrain : INoteGrain;

public interface IDefaultStorageNoteGrain : INoteGrain;

public interface IDeletingStorageNoteGrain : INoteGrain;

public abstract class NoteGrain(IPersistentState<NoteState> note) : Grain, INoteGrain
{
    public async Task Write(string text)
    {
        note.State.Text = text;
        await note.WriteStateAsync();
    }

    public Task<string?> Read() => Task.FromResult(note.State.Text);

    public Task<bool> Exists() => Task.FromResult(note.RecordExists);

    public Task Clear() => note.ClearStateAsync();
}

public sealed class NamedStorageNoteGrain([PersistentState("note", StreamioCluster.StorageName)] IPersistentState<NoteState> note)
    : NoteGrain(note), INamedStorageNoteGrain;

public sealed class DefaultStorageNoteGrain([PersistentState("note")] IPersistentState<NoteState> note)
    : NoteGrain(note), IDefaultStorageNoteGrain;

/// <summary>On a provider the test adds with DeleteStateOnClear, which uses Streamio's DeleteStorageKey query.</summary>
public sealed class DeletingStorageNoteGrain([PersistentState("note", DeletingStorageNoteGrain.StorageName)] IPersistentState<NoteState> note)
    : NoteGrain(note), IDeletingStorageNoteGrain
{
    public const string StorageName = "deleting";
}
