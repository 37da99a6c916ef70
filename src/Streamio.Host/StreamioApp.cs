using Streamio.Cluster;
using Streamio.Host.Api;
using Streamio.Host.Auth;
using Streamio.Host.Embedding;
using Streamio.Host.Live;
using Streamio.Host.LiveStreams;
using Streamio.Host.Playback;
using Streamio.Host.Uploads;
using Streamio.Host.Uploads.Tus;
using Streamio.Host.Web;
using Streamio.Media;
using Streamio.Storage;
using Streamio.Host.Configuration;
using Streamio.Host.Videos;
using Streamio.Ingest.Rtmp;
using Streamio.Ingest.Srt;
using Streamio.Host.Telemetry;

using Streamio.Grains.Hosting;

namespace Streamio.Host;

/// <summary>
/// Composes Streamio: the parts every node needs, plus the API and/or the silo as the configured roles say. A node
/// with the silo role hosts an Orleans silo (grains and encoding workers); an API-only node is an Orleans client that
/// reaches the silos through their gateways, so starting or stopping API nodes never moves a grain.
/// </summary>
public static class StreamioApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddStreamio();
        var app = builder.Build();
        app.UseStreamio();
        return app;
    }

    public static WebApplicationBuilder AddStreamio(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var options = configuration.GetSection("Streamio").Get<StreamioOptions>() ?? new StreamioOptions();
        options.ValidateRoles();
        var telemetry = configuration.ReadTelemetryOptions();
        services.Configure<StreamioOptions>(configuration.GetSection("Streamio"));
        builder.AddStreamioTelemetry(telemetry);
        services.AddProblemDetails();
        services.AddStreamioStorage(configuration);
        services.AddStreamioMedia(configuration);
        services.AddStreamioGrains(configuration);
        services.AddStreamioPlayback(configuration);
        if (options.RunsSilo)
        {
            builder.UseOrleans(silo => silo.UseStreamioCluster(configuration).AddStreamioTelemetry(telemetry));
            services.AddStreamioWebhookDelivery(configuration);
            // After UseOrleans: the workers stop (and drain) before the silo does.
            services.AddStreamioWorkers();
            // The live publish authorizer and handler, then the RTMP and SRT servers that use them: registered after
            // Orleans, they start once the silo answers grain calls and stop before it does.
            services.AddStreamioLiveStreams(configuration);
            services.AddRtmpIngest(configuration);
            services.AddSrtIngest(configuration);
        }
        else
        {
            builder.UseOrleansClient(client => client.UseStreamioCluster(configuration).AddStreamioTelemetry(telemetry));
        }
        services.AddSingleton<VideoCatalog>();
        services.AddSingleton<VideoIntake>();
        if (options.RunsApi)
        {
            services.AddStreamioLive();
            services.AddStreamioLiveStreamCatalog(configuration);
            services.AddStreamioWeb(configuration);
            services.AddStreamioTus(configuration);
        }
        services.AddStreamioUploads(configuration);
        services.AddStreamioAuth(configuration);
        services.AddStreamioOpenApi();
        return builder;
    }

    public static WebApplication UseStreamio(this WebApplication app)
    {
        var runsApi = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StreamioOptions>>().Value.RunsApi;
        var telemetry = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value;
        app.UseStreamioMetricsPort(telemetry);
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
        app.MapStreamioTelemetry(telemetry, runsApi);
        if (runsApi)
        {
            app.MapVideoEndpoints();
            app.MapLiveStreamEndpoints();
            app.MapProjectEndpoints();
            app.MapProjectLogoEndpoints();
            app.MapForensicEndpoints();
            app.MapWebhookEndpoints();
            app.MapPlaybackEndpoints();
            app.MapEmbedEndpoints();
            app.MapStreamioLive();
            app.UseStreamioWeb();
            app.MapTusEndpoints();
            app.MapUploadEndpoints();
            app.MapGrowingSourceEndpoints();
            app.MapClusterEndpoints();
            app.MapOpenApi();
        }
        return app;
    }
}
