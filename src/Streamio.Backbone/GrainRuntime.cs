using System.Text.Json;

namespace Streamio.Backbone;

/// <summary>
/// The grain calling convention: calls on one grain run one at a time in this process, and every call loads the
/// state, applies one transition, and commits state + work + events together, retrying when another node won the race.
/// </summary>
public sealed class GrainRuntime(IGrainStore store)
{
    private const int MaxConflictRetries = 20;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public IGrainStore Store => store;

    /// <summary>Runs <paramref name="method"/> against the grain's current state and commits what it did.</summary>
    /// <param name="lease">The work item this call runs under: the commit fails if the lease was lost.</param>
    /// <param name="completesLease">True when this call finishes the leased work item.</param>
    public async Task<TResult> CallAsync<TState, TResult>(
        GrainId id,
        Func<GrainTransaction<TState>, Task<TResult>> method,
        CancellationToken cancellationToken,
        WorkLease? lease = null,
        bool completesLease = false)
        where TState : class
    {
        var stripe = _stripes[(id.GetHashCode() & int.MaxValue) % _stripes.Length];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var snapshot = await store.ReadAsync(id, cancellationToken);
                var transaction = new GrainTransaction<TState>(id, snapshot, store);
                var result = await method(transaction);
                var commit = transaction.ToCommit();
                commit.RequireLease = lease;
                commit.CompletesLease = completesLease;
                try
                {
                    await store.CommitAsync(commit, cancellationToken);
                    return result;
                }
                catch (ConcurrencyConflictException) when (attempt < MaxConflictRetries)
                {
                    await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellationToken);
                }
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    public async Task<TState?> ReadAsync<TState>(GrainId id, CancellationToken cancellationToken)
        where TState : class
    {
        var snapshot = await store.ReadAsync(id, cancellationToken);
        return snapshot is null ? null : JsonSerializer.Deserialize<TState>(snapshot.StateJson, Json);
    }
}

/// <summary>What one grain call sees and changes. Nothing is written until the runtime commits it.</summary>
public sealed class GrainTransaction<TState>
    where TState : class
{
    private readonly GrainSnapshot? _snapshot;
    private readonly IGrainStore _store;
    private readonly GrainCommit _commit = new();
    private bool _deleted;

    internal GrainTransaction(GrainId id, GrainSnapshot? snapshot, IGrainStore store)
    {
        Id = id;
        _snapshot = snapshot;
        _store = store;
        State = snapshot is null ? null : JsonSerializer.Deserialize<TState>(snapshot.StateJson, GrainRuntime.Json);
    }

    public GrainId Id { get; }

    /// <summary>The state; null when the grain does not exist. Assign or mutate it to change it.</summary>
    public TState? State { get; set; }

    public DateTimeOffset? CreatedAt => _snapshot?.CreatedAt;

    public DateTimeOffset? UpdatedAt => _snapshot?.UpdatedAt;

    /// <summary>Marks the state as changed (only changed states are written).</summary>
    public bool Changed { get; private set; }

    public void Save() => Changed = true;

    public void Enqueue(NewWork work) => _commit.Enqueue.Add(work);

    public void Publish(NewEvent grainEvent) => _commit.Events.Add(grainEvent);

    /// <summary>Creates another grain in the same transaction (fails the call if it already exists).</summary>
    public void Create<TOther>(GrainId other, TOther state) =>
        _commit.Writes.Add(new GrainWrite(other, JsonSerializer.Serialize(state, GrainRuntime.Json), 0));

    public void DeleteOther(GrainId other) => _commit.Deletes.Add(other);

    public void Delete() => _deleted = true;

    public void CancelWorkGroup(string groupKey) => _commit.CancelWorkGroup = groupKey;

    public Task<IReadOnlyList<GrainSnapshot>> ReadByPrefixAsync(string type, string keyPrefix, CancellationToken cancellationToken) =>
        _store.ReadByPrefixAsync(type, keyPrefix, cancellationToken);

    internal GrainCommit ToCommit()
    {
        if (_deleted)
        {
            if (_snapshot is not null)
            {
                _commit.Deletes.Add(Id);
            }
        }
        else if (Changed && State is not null)
        {
            _commit.Writes.Insert(0, new GrainWrite(Id, JsonSerializer.Serialize(State, GrainRuntime.Json), _snapshot?.Version ?? 0));
        }
        return _commit;
    }
}
