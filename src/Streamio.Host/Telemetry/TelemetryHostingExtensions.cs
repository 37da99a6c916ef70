using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;
using Streamio.Host.Auth;
using Streamio.Telemetry;

namespace Streamio.Host.Telemetry;

/// <summary>
/// OpenTelemetry for a node: Streamio's spans and metrics (<see cref="StreamioTelemetry"/>) with Orleans' and ASP.NET
/// Core's, exported over OTLP when an endpoint is configured and scraped by Prometheus at <c>/metrics</c>; and the
/// Orleans dashboard. Without an OTLP endpoint no tracer is registered at all, so spans cost nothing.
/// </summary>
public static class TelemetryHostingExtensions
{
    /// <summary>Meters exported besides Streamio's: Orleans' runtime and ASP.NET Core's requests.</summary>
    private static readonly string[] Meters = [StreamioTelemetry.Name, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    /// <summary>Orleans' grain-call spans (with activity propagation on, they join the caller's trace).</summary>
    private static readonly string[] Sources = [StreamioTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static TelemetryOptions ReadTelemetryOptions(this IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        options.Validate();
        return options;
    }

    /// <summary>Whether spans are collected: only when they have somewhere to go.</summary>
    public static bool Traces(this TelemetryOptions options) => options.EffectiveOtlpEndpoint(Environment.GetEnvironmentVariable) is not null;

    public static WebApplicationBuilder AddStreamioTelemetry(this WebApplicationBuilder builder, TelemetryOptions options)
    {
        builder.Services.Configure<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.SectionName));
        var otlp = options.Traces();
        if (!otlp && !options.Metrics)
        {
            return builder;
        }
        if (options.PrometheusPort > 0)
        {
            ListenAlsoOn(builder, options.PrometheusPort);
        }
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceVersion: typeof(StreamioTelemetry).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                if (options.Metrics)
                {
                    metrics.AddPrometheusExporter();
                }
                if (otlp)
                {
                    metrics.AddOtlpExporter(exporter => Configure(exporter, options, "metrics"));
                }
            });
        if (otlp)
        {
            telemetry
                .WithTracing(tracing => tracing
                    .SetSampler(new StreamioSampler())
                    .AddSource(Sources)
                    .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = context => IsTraced(context.Request.Path))
                    .AddOtlpExporter(exporter => Configure(exporter, options, "traces")))
                .WithLogging(logging => logging.AddOtlpExporter(exporter => Configure(exporter, options, "logs")));
        }
        return builder;
    }

    /// <summary>The silo's part: grain calls join the caller's trace; the dashboard's collectors run on every silo.</summary>
    public static ISiloBuilder AddStreamioTelemetry(this ISiloBuilder silo, TelemetryOptions options)
    {
        if (options.Traces())
        {
            silo.AddActivityPropagation();
        }
        if (options.Dashboard)
        {
            silo.AddDashboard();
        }
        return silo;
    }

    /// <summary>An API node's part: its grain calls carry the request's trace; it serves the dashboard of the silos.</summary>
    public static IClientBuilder AddStreamioTelemetry(this IClientBuilder client, TelemetryOptions options)
    {
        if (options.Traces())
        {
            client.AddActivityPropagation();
        }
        if (options.Dashboard)
        {
            client.AddDashboard();
        }
        return client;
    }

    /// <summary>
    /// The metrics port, first in the pipeline: it answers <c>/metrics</c> to anyone (it is not behind the ingress)
    /// and nothing else, so the API is never reachable through it.
    /// </summary>
    public static WebApplication UseStreamioMetricsPort(this WebApplication app, TelemetryOptions options)
    {
        if (options.Metrics && options.PrometheusPort > 0)
        {
            var port = options.PrometheusPort;
            app.MapWhen(context => context.Connection.LocalPort == port, metricsPort =>
            {
                metricsPort.UseOpenTelemetryPrometheusScrapingEndpoint();
                metricsPort.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
            });
        }
        return app;
    }

    /// <summary><c>/metrics</c> on the main port, and the Orleans dashboard at <c>/dashboard</c>: admins only.</summary>
    public static WebApplication MapStreamioTelemetry(this WebApplication app, TelemetryOptions options, bool runsApi)
    {
        if (options.Metrics)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireAdmin();
        }
        if (options.Dashboard && runsApi)
        {
            app.MapOrleansDashboard(ApiKeyAuthenticationHandler.DashboardPath).RequireAdmin();
        }
        return app;
    }

    /// <summary>Probes, scrapes and the dashboard's own polling are not worth a trace each.</summary>
    private static bool IsTraced(PathString path) =>
        !path.StartsWithSegments("/healthz") && !path.StartsWithSegments("/readyz") && !path.StartsWithSegments("/metrics")
        && !path.StartsWithSegments(ApiKeyAuthenticationHandler.DashboardPath);

    private static void Configure(OtlpExporterOptions exporter, TelemetryOptions options, string signal)
    {
        if (options.OtlpEndpoint.Length == 0)
        {
            // Set through OTEL_EXPORTER_OTLP_*: the exporter reads those itself.
            return;
        }
        exporter.Protocol = options.OtlpProtocol == OtlpTransport.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        // An endpoint set in code is used as is: over HTTP each signal has its own path.
        exporter.Endpoint = options.OtlpProtocol == OtlpTransport.Grpc
            ? new Uri(options.OtlpEndpoint)
            : new Uri($"{options.OtlpEndpoint.TrimEnd('/')}/v1/{signal}");
    }

    /// <summary>Adds the metrics port to the node's URLs (a Kestrel endpoint in code would replace them instead).</summary>
    private static void ListenAlsoOn(WebApplicationBuilder builder, int port)
    {
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, $"{urls};http://*:{port}");
    }
}
