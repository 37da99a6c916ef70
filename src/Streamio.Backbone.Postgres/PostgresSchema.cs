namespace Streamio.Backbone.Postgres;

/// <summary>
/// The numbered schema migrations. A step is applied once, in order, and never edited after it ships: a change is a new
/// step. Keys and types compare bytewise (COLLATE "C") so listings order exactly as on SQLite, whatever the database locale.
/// Times are unix milliseconds from the backbone's clock, never now(), so tests can drive them.
/// </summary>
internal static class PostgresSchema
{
    public static IReadOnlyList<string> Migrations { get; } =
    [
        // 1: grains, work queue, event log, membership.
        """
        CREATE TABLE grains (
            type text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, version bigint NOT NULL, state text NOT NULL,
            created_at bigint NOT NULL, updated_at bigint NOT NULL, PRIMARY KEY (type, key));
        CREATE INDEX grains_newest ON grains (type, created_at DESC, key DESC);
        CREATE TABLE work (
            id bigserial PRIMARY KEY, kind text NOT NULL, payload text NOT NULL, group_key text NOT NULL,
            priority integer NOT NULL, status text NOT NULL, not_before bigint NOT NULL,
            attempts integer NOT NULL DEFAULT 0, max_attempts integer NOT NULL, last_error text,
            lease_owner text, lease_token text, lease_expires bigint);
        CREATE INDEX work_claim ON work (priority DESC, id);
        CREATE INDEX work_group ON work (group_key);
        CREATE INDEX work_owner ON work (lease_owner) WHERE lease_owner IS NOT NULL;
        CREATE TABLE events (
            seq bigserial PRIMARY KEY, topic text NOT NULL, key text NOT NULL, payload text NOT NULL, at bigint NOT NULL);
        CREATE INDEX events_at ON events (at);
        CREATE TABLE silos (
            id text PRIMARY KEY, host text NOT NULL, roles text NOT NULL, started_at bigint NOT NULL,
            heartbeat_at bigint NOT NULL, running integer NOT NULL);
        """,
    ];

    public static int LatestVersion => Migrations.Count;

    /// <summary>Advisory lock keys (per database). Any constant works as long as nothing else in the database uses it.</summary>
    public const long MigrationLock = 0x5354_5245_414D_0001;

    public const long EventLock = 0x5354_5245_414D_0002;

    public const string WorkChannel = "streamio_work";

    public const string EventsChannel = "streamio_events";
}
