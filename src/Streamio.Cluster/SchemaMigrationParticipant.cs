using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Streamio.Cluster;

/// <summary>
/// Migrates the database at the very first stage of the silo lifecycle, before any Orleans provider (membership,
/// grain storage, reminders) reads its queries. Being part of the silo's own lifecycle, this holds however the host
/// orders its hosted services; a failure stops the silo from starting.
/// </summary>
internal sealed class SchemaMigrationParticipant(StreamioDatabaseOptions database, ILogger<SchemaMigrationParticipant> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaMigrationParticipant), ServiceLifecycleStage.First, MigrateAsync);

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var version = await StreamioSchema.MigrateAsync(database.Kind, database.ConnectionString, cancellationToken);
        logger.LogInformation("Streamio database schema ({Kind}) is at version {Version}", database.Kind, version);
    }
}
