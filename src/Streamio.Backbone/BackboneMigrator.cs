using Microsoft.Extensions.Hosting;

namespace Streamio.Backbone;

/// <summary>Applies schema migrations before any other hosted service touches the backbone.</summary>
public sealed class BackboneMigrator(IBackbone backbone) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => backbone.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
