using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Streamio.Host.Live;
using Streamio.Host.Configuration;
using Streamio.Host.Http;

namespace Streamio.Host.Web;

/// <summary>The web app at / (static files), its libraries at /lib/*, and GET /v1/config with what the page checks before uploading.</summary>
public static class WebAppEndpoints
{
    /// <summary>What the prober accepts (it decides by content; the page checks the extension only to fail early).</summary>
    public static readonly IReadOnlyList<string> AcceptedExtensions = [".mp4", ".m4v", ".mov", ".mkv", ".webm"];

    public static IServiceCollection AddStreamioWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebOptions>(configuration.GetSection("Streamio:Web"));
        services.AddSingleton<BrowserLibraries>();
        services.AddSingleton<WebRoot>();
        return services;
    }

    public static WebApplication UseStreamioWeb(this WebApplication app)
    {
        var root = app.Services.GetRequiredService<WebRoot>().Path;
        if (root is not null)
        {
            var files = new PhysicalFileProvider(root);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                OnPrepareResponse = context =>
                {
                    context.Context.Response.Headers.CacheControl = "no-cache";
                    // Other sites load the <streamio-player> module (and what it imports) cross-origin, which needs CORS.
                    context.Context.Response.Headers.AccessControlAllowOrigin = "*";
                },
            });
        }
        app.MapGet("/lib/{name}", (string name, BrowserLibraries libraries, HttpContext context) =>
        {
            if (libraries.PathOf(name) is not { } path)
            {
                return Problems.NotFound(BrowserLibraries.Files.ContainsKey(name) || BrowserLibraries.PlayerFiles.ContainsKey(name)
                    ? BrowserLibraries.InstallHint
                    : $"There is no library '{name}'.");
            }
            // <streamio-player> loads hls.js from here on other sites too.
            context.Response.Headers.AccessControlAllowOrigin = "*";
            return Results.File(path, "text/javascript; charset=utf-8");
        });
        app.MapGet("/v1/config", (IOptions<StreamioOptions> options, BrowserLibraries libraries) => Results.Ok(new WebConfig(
            options.Value.MaxUploadBytes,
            ["MP4", "MOV", "MKV", "WebM"],
            AcceptedExtensions,
            VideoHub.Path,
            new WebLibrariesStatus(libraries.Available, libraries.Available ? null : BrowserLibraries.InstallHint,
                BrowserLibraries.Files.Keys.ToDictionary(name => name, name => $"/lib/{name}")))));
        return app;
    }
}

/// <summary>GET /v1/config: what a client checks before sending (size, formats) and where the live hub is.</summary>
public sealed record WebConfig(long MaxUploadBytes, IReadOnlyList<string> AcceptedFormats, IReadOnlyList<string> AcceptedExtensions, string HubPath, WebLibrariesStatus Libraries);

public sealed record WebLibrariesStatus(bool Available, string? Problem, IReadOnlyDictionary<string, string> Urls);
