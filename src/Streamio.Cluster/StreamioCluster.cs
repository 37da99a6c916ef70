namespace Streamio.Cluster;

/// <summary>Names other projects use to reach what <c>UseStreamioCluster</c> sets up.</summary>
public static class StreamioCluster
{
    /// <summary>
    /// The grain storage provider for Streamio's grain state (<c>[PersistentState("state", StreamioCluster.StorageName)]</c>).
    /// It is also the default storage, so grains that name no provider land in the same tables.
    /// </summary>
    public const string StorageName = "streamio";

    /// <summary>
    /// Orleans' ADO.NET grain storage behind <see cref="StorageName"/>, registered under its own name so that
    /// <see cref="StorageName"/> can scope state names by grain type. Grains never name it.
    /// </summary>
    public const string AdoNetStorageName = "streamio-adonet";
}
