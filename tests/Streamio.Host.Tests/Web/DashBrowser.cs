using System.Net.Http.Json;
using System.Text.Json;

namespace Streamio.Host.Tests.Web;

/// <summary>What the DASH browser tests share: a dash.js page, the license requests a page makes, the player's state, a license request.</summary>
public static class DashBrowser
{
    /// <summary>A page that plays <paramref name="mpdUrl"/> with dash.js loaded from Streamio, reporting player errors in window.__status.</summary>
    public static string DashjsPage(Uri streamio, string mpdUrl, string title) => $$"""
        <!doctype html><html><head><meta charset="utf-8"><title>{{title}}</title>
        <script src="{{new Uri(streamio, "/lib/dash.js")}}"></script></head>
        <body><video id="v" muted playsinline width="640" height="360"></video>
        <script>
          window.__status = { errors: [] };
          const player = dashjs.MediaPlayer().create();
          player.on(dashjs.MediaPlayer.events.ERROR, e => window.__status.errors.push(JSON.stringify(e.error || e)));
          player.initialize(document.getElementById('v'), {{JsonSerializer.Serialize(mpdUrl)}}, true);
        </script></body></html>
        """;

    /// <summary>The license requests (POSTs) the page makes from now on.</summary>
    public static List<string> RecordLicenseRequests(BrowserPage browser)
    {
        var licenses = new List<string>();
        browser.Page.Request += (_, request) =>
        {
            if (request.Url.Contains("/license", StringComparison.Ordinal) && request.Method == "POST")
            {
                lock (licenses)
                {
                    licenses.Add(request.Url);
                }
            }
        };
        return licenses;
    }

    /// <summary>The video element's state and the page's status, for a failure message.</summary>
    public static Task<string> PlayerStateAsync(BrowserPage browser) => browser.Page.EvaluateAsync<string>(
        "() => { const v = document.getElementById('v'); return `t=${v.currentTime} paused=${v.paused} ready=${v.readyState} error=${v.error && v.error.message} status=${JSON.stringify(window.__status)}`; }");

    public static async Task<HttpResponseMessage> LicenseAsync(HttpClient http, string url, string kid)
    {
        using var content = JsonContent.Create(new { kids = new[] { kid }, type = "temporary" });
        return await http.PostAsync(url, content);
    }
}
