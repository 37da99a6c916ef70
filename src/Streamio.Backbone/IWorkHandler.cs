namespace Streamio.Backbone;

/// <summary>Runs one kind of work item on a silo.</summary>
public interface IWorkHandler
{
    string Kind { get; }

    /// <summary>Does the work. Cancellation means shutdown or a lost lease: stop and leave no partial state behind.</summary>
    Task HandleAsync(WorkLease lease, CancellationToken cancellationToken);

    /// <summary>Every attempt failed: record the failure on the grain (and complete the lease in that commit).</summary>
    Task OnExhaustedAsync(WorkLease lease, string error, CancellationToken cancellationToken);
}
