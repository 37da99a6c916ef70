namespace Streamio.Cluster.Schema.Postgres;

/// <summary>
/// Membership queries. @DeploymentId is the cluster id; a silo is @Address, @Port, @Generation. Inserts and updates are
/// compare-and-swaps on the cluster's version row (@Version is the table version the silo read) and answer one boolean.
/// Reads return the version row joined with the members (one row with NULL member columns when there are none), as
/// Version, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime.
/// </summary>
internal static class PostgresClusteringQueries
{
    private const string Silo = "Address = @Address AND Port = @Port AND Generation = @Generation";

    private const string MemberColumns =
        "v.Version, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime";

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["InsertMembershipVersionKey"] = """
            WITH inserted AS (
                INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
                ON CONFLICT (DeploymentId) DO NOTHING
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM inserted)
            """,

        // The version moves only if the silo is not there yet; a concurrent insert of the same silo fails on the
        // primary key, which undoes the version bump of the same statement.
        ["InsertMembershipKey"] = $"""
            WITH bumped AS (
                UPDATE OrleansMembershipVersionTable
                SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND Version = @Version
                    AND NOT EXISTS (SELECT 1 FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId AND {Silo})
                RETURNING DeploymentId
            ), inserted AS (
                INSERT INTO OrleansMembershipTable
                    (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                SELECT DeploymentId, @Address, @Port, @Generation, COALESCE(@SiloName, ''), COALESCE(@HostName, ''), @Status,
                    COALESCE(@ProxyPort, 0), @StartTime, @IAmAliveTime
                FROM bumped
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM inserted)
            """,

        ["UpdateMembershipKey"] = $"""
            WITH bumped AS (
                UPDATE OrleansMembershipVersionTable
                SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND Version = @Version
                    AND EXISTS (SELECT 1 FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId AND {Silo})
                RETURNING DeploymentId
            ), updated AS (
                UPDATE OrleansMembershipTable m
                SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
                FROM bumped
                WHERE m.DeploymentId = bumped.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM updated)
            """,

        // Heartbeats do not move the version: they change nothing other silos must agree on.
        ["UpdateIAmAlivetimeKey"] = $"""
            UPDATE OrleansMembershipTable
            SET IAmAliveTime = @IAmAliveTime
            WHERE DeploymentId = @DeploymentId AND {Silo}
            """,

        ["MembershipReadRowKey"] = $"""
            SELECT {MemberColumns}
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
                AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId
            """,

        ["MembershipReadAllKey"] = $"""
            SELECT {MemberColumns}
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
            WHERE v.DeploymentId = @DeploymentId
            """,

        // Gateways clients may connect to: active silos (@Status is Active) that listen for clients.
        ["GatewaysQueryKey"] = """
            SELECT Address, ProxyPort, Generation
            FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0
            """,

        ["DeleteMembershipTableEntriesKey"] = """
            DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
            DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
            """,

        // Dead silos (status 6) whose last heartbeat is older than @IAmAliveTime.
        ["CleanupDefunctSiloEntriesKey"] = """
            DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status = 6
            """,
    };
}
