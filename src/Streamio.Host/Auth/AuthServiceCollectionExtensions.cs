using Microsoft.AspNetCore.Authorization;
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

/// <summary>Makes sure the "default" project exists (anonymous callers and pre-project videos live there).</summary>
public sealed class DefaultProjectSeeder(ProjectGrain projects) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => projects.CreateAsync(ProjectIds.Default, "Default project", cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
