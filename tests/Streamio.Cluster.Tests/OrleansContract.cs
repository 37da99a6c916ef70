namespace Streamio.Cluster.Tests;

/// <summary>
/// The OrleansQuery keys each ADO.NET provider of Orleans 10.4 loads at start-up (it refuses to start if one is
/// missing), written down here independently of Streamio's migrations so that a migration dropping one fails a test.
/// </summary>
public static class OrleansContract
{
    public static readonly string[] StorageKeys = ["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    public static readonly string[] ReminderKeys =
    [
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    public static readonly string[] ClusteringKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey", "UpdateIAmAlivetimeKey",
        "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
    ];
}
