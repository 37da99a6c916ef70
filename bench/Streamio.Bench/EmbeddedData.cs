using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streamio.Host;

namespace Streamio.Bench;

/// <summary>The settings that put everything an embedded node keeps (database, objects, scratch) under one folder.</summary>
internal static class EmbeddedData
{
    public static Dictionary<string, string?> Settings(string data) => new()
    {
        ["Streamio:DataPath"] = data,
        ["Streamio:Storage:LocalPath"] = Path.Combine(data, "objects"),
        ["Streamio:Database:ConnectionString"] = $"Data Source={Path.Combine(data, "streamio.db")}",
        ["Streamio:Encoding:WorkPath"] = Path.Combine(data, "work"),
        // Live ingest on any free port, so a bench never collides with a running Streamio.
        ["Streamio:Live:Rtmp:Port"] = "0",
        ["Streamio:Live:Srt:Port"] = "0",
    };

    /// <summary>A fresh embedded node on a loopback port, its data in <paramref name="data"/> (emptied first), and a client of it.</summary>
    public static async Task<(WebApplication App, HttpClient Http)> StartNodeAsync(string data, IReadOnlyDictionary<string, string?>? more = null)
    {
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        var app = StreamioApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(Settings(data)).AddInMemoryCollection(more ?? new Dictionary<string, string?>());
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(30) });
    }
}
