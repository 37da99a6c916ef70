namespace Streamio.Cluster;

/// <summary>How silos find each other (and clients find gateways).</summary>
public enum ClusteringKind
{
    /// <summary>One co-hosted silo on this machine: embedded mode.</summary>
    Localhost,

    /// <summary>Membership in an Azure Storage table (Azurite locally and in tests).</summary>
    AzureTable,

    /// <summary>Membership in the PostgreSQL database (ADO.NET clustering).</summary>
    AdoNet,
}
