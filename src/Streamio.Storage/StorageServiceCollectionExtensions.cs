using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Streamio.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the object storage chosen by <c>Streamio:Storage:Kind</c>.</summary>
    public static IServiceCollection AddStreamioStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StorageOptions>(configuration.GetSection("Streamio:Storage"));
        services.AddSingleton<IObjectStorage>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.Kind.ToUpperInvariant() switch
            {
                "LOCAL" => new LocalDiskStorage(options.LocalPath),
                "S3" => new S3ObjectStorage(options),
                _ => throw new InvalidOperationException(
                    $"Streamio:Storage:Kind '{options.Kind}' is not supported; use 'Local' or 'S3'."),
            };
        });
        services.AddHostedService<BucketInitializer>();
        return services;
    }

    /// <summary>Creates the S3 bucket at start-up when <c>Streamio:Storage:CreateBucket</c> is set and it is missing.</summary>
    private sealed class BucketInitializer(IObjectStorage storage, IOptions<StorageOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            storage is S3ObjectStorage s3 && options.Value.CreateBucket ? s3.EnsureBucketAsync(cancellationToken) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
