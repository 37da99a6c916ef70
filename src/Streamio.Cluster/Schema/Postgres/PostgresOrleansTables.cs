namespace Streamio.Cluster.Schema.Postgres;

/// <summary>Migration 1's tables. Identifiers are unquoted (PostgreSQL folds them to lower case; Npgsql matches result
/// columns without regard to case, as the Orleans providers read them by their documented names).</summary>
internal static class PostgresOrleansTables
{
    public const string Script = """
        -- The ADO.NET providers read their SQL from here by key (SELECT QueryKey, QueryText FROM OrleansQuery).
        CREATE TABLE OrleansQuery
        (
            QueryKey  varchar(64) NOT NULL PRIMARY KEY,
            QueryText text        NOT NULL
        );

        -- Grain state (Microsoft.Orleans.Persistence.AdoNet). The provider finds a row by two 32-bit hashes and
        -- resolves hash collisions with the full key; Version is the ETag, bumped by every write and clear.
        -- GrainTypeString holds the state name the provider is given (Streamio's: "<grain type>/<state name>").
        CREATE TABLE OrleansStorage
        (
            GrainIdHash            integer      NOT NULL,
            GrainIdN0              bigint       NOT NULL,
            GrainIdN1              bigint       NOT NULL,
            GrainTypeHash          integer      NOT NULL,
            GrainTypeString        text         NOT NULL,
            GrainIdExtensionString text,
            ServiceId              varchar(150) NOT NULL,
            PayloadBinary          bytea,
            ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
            Version                integer      NOT NULL
        );

        -- One row per grain state, whatever the race: the first write of a new state inserts with ON CONFLICT DO
        -- NOTHING against this index. The hashes lead so lookups use it; the strings go in as md5 to keep entries
        -- small, and the extension's NULL is told apart from any string.
        CREATE UNIQUE INDEX OrleansStorage_Grain ON OrleansStorage
            (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId, md5(GrainTypeString), (COALESCE(md5(GrainIdExtensionString), '')));

        -- Reminders (Microsoft.Orleans.Reminders.AdoNet). GrainHash is the grain's uniform hash as a signed integer;
        -- silos read the reminders of their hash range from it. Period is in milliseconds.
        CREATE TABLE OrleansRemindersTable
        (
            ServiceId    varchar(150) NOT NULL,
            GrainId      text         NOT NULL,
            ReminderName text         NOT NULL,
            StartTime    timestamptz  NOT NULL,
            Period       bigint       NOT NULL,
            GrainHash    integer      NOT NULL,
            Version      integer      NOT NULL,
            PRIMARY KEY (ServiceId, GrainId, ReminderName)
        );

        CREATE INDEX OrleansRemindersTable_Range ON OrleansRemindersTable (ServiceId, GrainHash);

        -- Cluster membership (Microsoft.Orleans.Clustering.AdoNet), one version row per cluster (DeploymentId is
        -- Orleans' ClusterId): every change to a cluster's members is a compare-and-swap on that Version.
        CREATE TABLE OrleansMembershipVersionTable
        (
            DeploymentId varchar(150) NOT NULL PRIMARY KEY,
            Timestamp    timestamptz  NOT NULL DEFAULT now(),
            Version      integer      NOT NULL DEFAULT 0
        );

        CREATE TABLE OrleansMembershipTable
        (
            DeploymentId varchar(150) NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
            Address      varchar(45)  NOT NULL,
            Port         integer      NOT NULL,
            Generation   integer      NOT NULL,
            SiloName     varchar(150) NOT NULL,
            HostName     varchar(150) NOT NULL,
            Status       integer      NOT NULL,
            ProxyPort    integer      NOT NULL,
            SuspectTimes text,
            StartTime    timestamptz  NOT NULL,
            IAmAliveTime timestamptz  NOT NULL,
            PRIMARY KEY (DeploymentId, Address, Port, Generation)
        );
        """;
}
