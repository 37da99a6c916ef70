using Azure.Data.Tables;
using Orleans.Clustering.AzureStorage;

namespace Streamio.Cluster;

/// <summary>The Azure Table settings silos and clients share.</summary>
internal static class AzureTableClustering
{
    public static void Configure(AzureStorageOperationOptions options, StreamioClusterOptions cluster)
    {
        options.TableServiceClient = new TableServiceClient(cluster.AzureTableConnectionString);
        if (!string.IsNullOrWhiteSpace(cluster.AzureTableName))
        {
            options.TableName = cluster.AzureTableName;
        }
    }
}
