using Microsoft.AspNetCore.Authorization;
using Streamio.Abstractions.Projects;
using Streamio.Grains.Projects;

namespace Streamio.Host.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>API keys, the admin key, anonymous loopback access, and the two policies behind RequireAdmin/RequireProject.</summary>
    public static IServiceCollection AddStreamioAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection("Streamio:Auth"))
            .Validate(options => options.AdminKey.Length is 0 or >= 16, "Streamio:Auth:AdminKey must be at least 16 characters long (or empty for no admin access).")
            .ValidateOnStart();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(StreamioPolicies.Admin, policy => policy.AddRequirements(new AdminRequirement()))
            .AddPolicy(StreamioPolicies.Project, policy => policy.AddRequirements(new ProjectRequirement()));
        services.AddSingleton<IAuthorizationHandler, AdminRequirement>();
        services.AddSingleton<IAuthorizationHandler, ProjectRequirement>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuthorizationProblems>();
        services.AddHostedService<DefaultProjectSeeder>();
        return services;
    }
}

/// <summary>
/// Makes sure the "default" project exists (anonymous callers and pre-project videos live there). It runs once every
/// hosted service has started, whatever their order, so the silo (or the cluster client) is up; the node's start waits
/// for it, so no request finds the project missing.
/// </summary>
public sealed partial class DefaultProjectSeeder(IGrainFactory grains, ILogger<DefaultProjectSeeder> logger) : IHostedLifecycleService
{
    private const int Attempts = 30;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grains.GetGrain<IProjectGrain>(ProjectIds.Default).CreateAsync("Default project").WaitAsync(cancellationToken);
                return;
            }
            catch (Exception error) when (error is not OperationCanceledException && attempt < Attempts)
            {
                // A cluster client may still be finding a gateway: try again shortly.
                LogRetrying(logger, error, attempt);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Creating the default project failed (attempt {Attempt}); trying again")]
    private static partial void LogRetrying(ILogger logger, Exception error, int attempt);
}
