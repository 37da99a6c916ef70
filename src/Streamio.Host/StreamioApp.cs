using Streamio.Backbone;
using Streamio.Backbone.Postgres;
using Streamio.Grains;
using Streamio.Host.Api;
using Streamio.Host.Auth;
using Streamio.Host.Live;
using Streamio.Host.Playback;
using Streamio.Host.Uploads;
using Streamio.Host.Uploads.Tus;
using Streamio.Host.Web;
using Streamio.Host.Webhooks;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Host;

/// <summary>Composes Streamio: the parts every node needs, plus the API and/or the silo as the configured roles say.</summary>
public static class StreamioApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddStreamio(builder.Configuration);
        var app = builder.Build();
        app.UseStreamio();
        return app;
    }

    public static IServiceCollection AddStreamio(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Streamio").Get<StreamioOptions>() ?? new StreamioOptions();
        options.ValidateRoles();
        services.Configure<StreamioOptions>(configuration.GetSection("Streamio"));
        services.Configure<PlaybackOptions>(configuration.GetSection("Streamio:Playback"));
        services.AddProblemDetails();
        services.AddStreamioStorage(configuration);
        services.AddStreamioPostgresBackbone(configuration);
        services.AddStreamioBackbone(configuration);
        services.AddStreamioMedia(configuration);
        services.AddStreamioGrains(configuration);
        services.AddSingleton<PlaybackTokens>();
        if (options.RunsApi)
        {
            services.AddStreamioLive();
            services.AddStreamioWeb(configuration);
            services.AddStreamioTus(configuration);
        }
        services.AddStreamioUploads(configuration);
        services.AddStreamioAuth(configuration);
        services.AddStreamioOpenApi();
        if (options.RunsSilo)
        {
            services.AddStreamioVideoWork();
            services.AddStreamioWebhookWork(configuration);
            services.AddStreamioSilo(configuration);
        }
        return services;
    }

    public static WebApplication UseStreamio(this WebApplication app)
    {
        var runsApi = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StreamioOptions>>().Value.RunsApi;
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (runsApi)
        {
            // Before authentication: a browser's CORS preflight carries no credentials and must still be answered.
            app.UseCors();
        }
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        if (runsApi)
        {
            app.MapVideoEndpoints();
            app.MapProjectEndpoints();
            app.MapWebhookEndpoints();
            app.MapPlaybackEndpoints();
            app.MapStreamioLive();
            app.UseStreamioWeb();
            app.MapTusEndpoints();
            app.MapUploadEndpoints();
            app.MapClusterEndpoints();
            app.MapOpenApi();
        }
        return app;
    }
}
