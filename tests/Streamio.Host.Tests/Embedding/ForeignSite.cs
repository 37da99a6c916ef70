using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Streamio.Host.Tests.Embedding;

/// <summary>
/// Someone else's web site: a tiny loopback server (its own port, so its own origin) serving the HTML pages a test puts
/// into <see cref="Pages"/>, the way an embedding app would serve its pages.
/// </summary>
public sealed class ForeignSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ForeignSite(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public ConcurrentDictionary<string, string> Pages { get; } = new();

    public Uri BaseAddress { get; }

    /// <summary>scheme://host:port, as browsers send it in <c>Origin</c>.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public static async Task<ForeignSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        ForeignSite? site = null;
        app.MapGet("/favicon.ico", () => Results.NoContent());
        app.MapGet("/{**path}", (string? path) =>
            site!.Pages.TryGetValue("/" + path, out var html) ? Results.Content(html, "text/html; charset=utf-8") : Results.NotFound());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        site = new ForeignSite(app, new Uri(address));
        return site;
    }

    /// <summary>Publishes <paramref name="html"/> at a fresh path and returns its absolute URL.</summary>
    public string Publish(string html)
    {
        var path = $"/page-{Guid.NewGuid():N}.html";
        Pages[path] = html;
        return new Uri(BaseAddress, path).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
