using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
                _ => throw new InvalidOperationException(
                    $"Streamio:Storage:Kind '{options.Kind}' is not supported; use 'Local'."),
            };
        });
        return services;
    }
}
