namespace Streamio.Cluster;

/// <summary>
/// The <c>Streamio:Cluster</c> section: how silos form a cluster, where they listen, and how fast a dead silo is noticed.
/// The membership settings are optional; unset, Orleans' own defaults apply (see <c>docs/cluster.md</c> for what they
/// mean for failover time).
/// </summary>
public sealed class StreamioClusterOptions
{
    public const string SectionName = "Streamio:Cluster";

    /// <summary><c>Localhost</c> (default: one co-hosted silo), <c>AzureTable</c> or <c>AdoNet</c> (PostgreSQL only).</summary>
    public ClusteringKind Clustering { get; set; } = ClusteringKind.Localhost;

    /// <summary>Names one deployment: silos with the same cluster id form one cluster.</summary>
    public string ClusterId { get; set; } = "streamio";

    /// <summary>Names the service across deployments: grain state and reminders are keyed by it, so keep it stable.</summary>
    public string ServiceId { get; set; } = "streamio";

    /// <summary>Port for silo-to-silo traffic.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port on which the silo's gateway accepts Orleans clients (API-only nodes).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>IP address other silos and clients reach this silo at; empty lets Orleans pick this host's address.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Azure Storage connection string for <c>AzureTable</c> clustering (for Azurite: <c>UseDevelopmentStorage=true</c>).</summary>
    public string? AzureTableConnectionString { get; set; }

    /// <summary>Membership table name for <c>AzureTable</c> clustering; empty keeps the provider's default.</summary>
    public string? AzureTableName { get; set; }

    /// <summary>True inside Kubernetes: Orleans' Kubernetes hosting takes pod name, IP and cluster id from the pod and
    /// removes silos whose pods are gone.</summary>
    public bool Kubernetes { get; set; }

    /// <summary>
    /// Seconds a liveness probe may take before it counts as missed (Orleans default 5). Together with
    /// <see cref="NumMissedProbesLimit"/> it sets how soon a silo that stopped answering is suspected.
    /// </summary>
    public double? ProbeTimeoutSeconds { get; set; }

    /// <summary>Missed probes in a row after which a silo votes its target dead (Orleans default 3).</summary>
    public int? NumMissedProbesLimit { get; set; }

    /// <summary>
    /// Unexpired votes needed to declare a silo dead (Orleans default 2; in a two-silo cluster the one survivor's vote
    /// suffices). At most <see cref="NumProbedSilos"/>.
    /// </summary>
    public int? NumVotesForDeathDeclaration { get; set; }

    /// <summary>How many other silos each silo probes (Orleans default 10).</summary>
    public int? NumProbedSilos { get; set; }

    /// <summary>
    /// Seconds between a silo's "I am alive" heartbeats in the membership table (Orleans default 30). Diagnostic, and
    /// how stale entries of silos that vanished are recognised; not what declares a silo dead.
    /// </summary>
    public double? IAmAliveTablePublishSeconds { get; set; }

    /// <summary>Seconds between full reads of the membership table (Orleans default 60); gossip usually spreads changes sooner.</summary>
    public double? TableRefreshSeconds { get; set; }

    /// <summary>Seconds after which a death vote no longer counts (Orleans default 120).</summary>
    public double? DeathVoteExpirationSeconds { get; set; }

    /// <summary>Minutes after which entries of dead silos are removed from the membership table (Orleans default 7 days).</summary>
    public double? DefunctSiloExpirationMinutes { get; set; }

    /// <summary>
    /// Shortest reminder period a grain may register, in seconds (default 5). Orleans' default is one minute; Streamio's
    /// webhook retries need shorter periods.
    /// </summary>
    public double MinimumReminderPeriodSeconds { get; set; } = 5;
}
