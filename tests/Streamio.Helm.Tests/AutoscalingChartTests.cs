using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Streamio.Helm.Tests;

/// <summary>
/// Autoscaling on work: KEDA's ScaledObject scales the worker silos on the work waiting and running (Streamio's
/// streamio_work_* gauges through Prometheus), down to zero when asked, with control silos (no workers) keeping the
/// grains a home; without KEDA the CPU HorizontalPodAutoscaler is the fallback; every pod serves /metrics. Manifests are
/// read with the if/else branches the given values select (<see cref="HelmChart.Render"/>).
/// </summary>
public sealed partial class ChartTests
{
    private const string ScaledObject = "silo-scaledobject.yaml";
    private const string CpuAutoscaler = "silo-hpa.yaml";
    private const string Control = "control-deployment.yaml";
    private const string PodMonitor = "podmonitor.yaml";

    private static readonly Dictionary<string, string> Keda = new()
    {
        ["keda.enabled"] = "true",
        ["keda.prometheus.serverAddress"] = "http://prometheus-server.monitoring.svc:80",
    };

    private static readonly Dictionary<string, string> ScaleToZero = new(Keda) { ["keda.scaleToZero"] = "true" };

    [Fact]
    public void The_scaled_object_is_rendered_only_when_keda_is_enabled()
    {
        Assert.Equal("false", Chart.ValueAt("keda.enabled")!.ToString());
        Assert.Null(Rendered(ScaledObject));

        var scaledObject = Rendered(ScaledObject, Keda)!;
        Assert.Equal("ScaledObject", scaledObject["kind"].ToString());
        Assert.Equal("keda.sh/v1alpha1", scaledObject["apiVersion"].ToString());
    }

    [Fact]
    public void The_scaled_object_scales_the_worker_silo_deployment()
    {
        var target = (YamlMappingNode)Spec(Rendered(ScaledObject, Keda)!)["scaleTargetRef"];
        var workers = Rendered(Silo, Keda)!;

        Assert.Equal("apps/v1", target["apiVersion"].ToString());
        Assert.Equal("Deployment", target["kind"].ToString());
        Assert.Equal(Name(workers), target["name"].ToString());
        Assert.Equal(HelmChart.ValueWord("silo.workers"), Value(ContainerOf(workers), "Streamio__Silo__Workers"));
        Assert.NotEqual(Name(workers), Name(Rendered(Control, ScaleToZero)!));
    }

    [Fact]
    public void The_trigger_is_prometheus_reading_the_work_gauges_with_the_query_and_thresholds_from_values()
    {
        var trigger = ((YamlSequenceNode)Spec(Rendered(ScaledObject, Keda)!)["triggers"]).Cast<YamlMappingNode>().Single();
        var metadata = (YamlMappingNode)trigger["metadata"];

        Assert.Equal("prometheus", trigger["type"].ToString());
        Assert.Equal(HelmChart.ValueWord("keda.prometheus.serverAddress"), metadata["serverAddress"].ToString());
        Assert.Equal(HelmChart.ValueWord("keda.prometheus.query"), metadata["query"].ToString());
        Assert.Equal(HelmChart.ValueWord("keda.prometheus.activationThreshold"), metadata["activationThreshold"].ToString());
        // Empty threshold: one worker silo per silo.workers items, so each silo gets as much as it runs at once.
        Assert.Equal($"{HelmChart.ValueWord("keda.prometheus.threshold")}_default_{HelmChart.ValueWord("silo.workers")}", metadata["threshold"].ToString());
        Assert.Equal("", Chart.ValueAt("keda.prometheus.threshold")!.ToString());
        Assert.Equal("0", Chart.ValueAt("keda.prometheus.activationThreshold")!.ToString());

        // The gauges the silos export (Streamio:Telemetry), waiting and running, each 0 when absent so the sum is never empty.
        var query = Chart.ValueAt("keda.prometheus.query")!.ToString();
        Assert.Contains("sum(streamio_work_waiting) or vector(0)", query, StringComparison.Ordinal);
        Assert.Contains("sum(streamio_work_in_flight) or vector(0)", query, StringComparison.Ordinal);
    }

    [Fact]
    public void Worker_silos_go_down_to_zero_only_with_scale_to_zero()
    {
        var keda = Spec(Rendered(ScaledObject, Keda)!);
        var toZero = Spec(Rendered(ScaledObject, ScaleToZero)!);

        Assert.Equal("false", Chart.ValueAt("keda.scaleToZero")!.ToString());
        Assert.Equal("max_1_int_Values_keda_minReplicas", keda["minReplicaCount"].ToString());
        Assert.True(int.Parse(Chart.ValueAt("keda.minReplicas")!.ToString(), CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("0", toZero["minReplicaCount"].ToString());
        Assert.Equal(HelmChart.ValueWord("keda.maxReplicas"), toZero["maxReplicaCount"].ToString());
        Assert.Equal(HelmChart.ValueWord("keda.fallbackReplicas"), ((YamlMappingNode)toZero["fallback"])["replicas"].ToString());
        Assert.Equal(HelmChart.ValueWord("keda.cooldownPeriodSeconds"), toZero["cooldownPeriod"].ToString());
        Assert.Equal(HelmChart.ValueWord("keda.pollingIntervalSeconds"), toZero["pollingInterval"].ToString());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void The_cpu_autoscaler_is_the_fallback_without_keda_and_never_beside_it(bool keda, bool cpuAutoscaling)
    {
        var values = new Dictionary<string, string>(keda ? Keda : [])
        {
            ["silo.autoscaling.enabled"] = cpuAutoscaling ? "true" : "false",
        };

        var autoscaler = Rendered(CpuAutoscaler, values);
        Assert.Equal(keda, Rendered(ScaledObject, values) is not null);
        Assert.Equal(cpuAutoscaling && !keda, autoscaler is not null);
        if (autoscaler is not null)
        {
            var metric = ((YamlSequenceNode)Spec(autoscaler)["metrics"]).Cast<YamlMappingNode>().Single();
            var resource = (YamlMappingNode)metric["resource"];
            Assert.Equal("cpu", resource["name"].ToString());
            Assert.Equal(HelmChart.ValueWord("silo.autoscaling.targetCPUUtilizationPercentage"), ((YamlMappingNode)resource["target"])["averageUtilization"].ToString());
        }
        // A fixed replica count only when nothing scales the worker silos (it would undo the autoscaler's on every upgrade).
        Assert.Equal(!keda && !cpuAutoscaling, Spec(Rendered(Silo, values)!).Children.ContainsKey("replicas"));
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, true)]
    public void Worker_silos_scale_to_zero_only_beside_control_silos(bool keda, bool scaleToZero, bool control)
    {
        var values = new Dictionary<string, string>(keda ? Keda : [])
        {
            ["keda.scaleToZero"] = scaleToZero ? "true" : "false",
            ["control.enabled"] = control ? "true" : "false",
        };

        var controlSilos = Rendered(Control, values);
        var toZero = Rendered(ScaledObject, values) is { } scaledObject && Spec(scaledObject)["minReplicaCount"].ToString() == "0";
        Assert.Equal(keda && scaleToZero, toZero);
        Assert.Equal(control || toZero, controlSilos is not null);
    }

    [Fact]
    public void A_control_silo_is_a_silo_of_the_same_orleans_cluster_that_takes_no_work()
    {
        Assert.Equal("false", Chart.ValueAt("control.enabled")!.ToString());
        Assert.Null(Rendered(Control));
        var control = Rendered(Control, ScaleToZero)!;
        var workers = Rendered(Silo, ScaleToZero)!;
        var container = ContainerOf(control);

        Assert.Equal("silo", Value(container, "Streamio__Roles"));
        Assert.Equal((false, true), StreamioConfiguration.Roles(Value(container, "Streamio__Roles")));
        Assert.Equal("0", Value(container, "Streamio__Silo__Workers"));
        Assert.Equal(HelmChart.ValueWord("control.replicas"), Spec(control)["replicas"].ToString());
        // Everything else a worker silo is told (cluster, database, storage, hosting), the control silo is told too.
        var workerSettings = Environment(ContainerOf(workers)).Select(variable => variable["name"].ToString())
            .Except(["Streamio__Silo__Workers", "Streamio__Silo__ShutdownGraceSeconds"]);
        Assert.Empty(workerSettings.Except(Environment(container).Select(variable => variable["name"].ToString())));
        foreach (var label in new[] { "orleans/serviceId", "orleans/clusterId" })
        {
            Assert.Equal(PodLabelsOf(workers)[label].ToString(), PodLabelsOf(control)[label].ToString());
        }
        Assert.Equal(PodSpecOf(workers)["serviceAccountName"].ToString(), PodSpecOf(control)["serviceAccountName"].ToString());
        Assert.Equal(PodSpecOf(workers)["automountServiceAccountToken"].ToString(), PodSpecOf(control)["automountServiceAccountToken"].ToString());
        foreach (var port in new[] { "silo", "gateway", "http", "metrics" })
        {
            Assert.Equal(Port(ContainerOf(workers), port)["containerPort"].ToString(), Port(container, port)["containerPort"].ToString());
        }
        // Its own component: neither the worker silos' ScaledObject, HPA nor disruption budget counts it.
        Assert.Equal("control", PodLabelsOf(control)["app.kubernetes.io/component"].ToString());
        var budget = (YamlMappingNode)((YamlMappingNode)Spec(Manifest("silo-pdb.yaml"))["selector"])["matchLabels"];
        Assert.Equal("silo", budget["app.kubernetes.io/component"].ToString());
    }

    [Theory]
    [InlineData(Api)]
    [InlineData(Silo)]
    [InlineData(Control)]
    public void Every_pod_serves_metrics_on_the_port_prometheus_scrapes(string template)
    {
        Assert.Equal("true", Chart.ValueAt("metrics.enabled")!.ToString());
        Assert.Equal("9464", Chart.ValueAt("metrics.port")!.ToString());
        var pod = Rendered(template, ScaleToZero)!;
        var container = ContainerOf(pod);
        var annotations = (YamlMappingNode)((YamlMappingNode)PodTemplateOf(pod)["metadata"])["annotations"];

        Assert.Equal(HelmChart.ValueWord("metrics.port"), Value(container, "Streamio__Telemetry__PrometheusPort"));
        Assert.True(StreamioConfiguration.Binds("Streamio__Telemetry__PrometheusPort"));
        Assert.Equal(HelmChart.ValueWord("metrics.port"), Port(container, "metrics")["containerPort"].ToString());
        Assert.Equal("true", annotations["prometheus.io/scrape"].ToString());
        Assert.Equal(HelmChart.ValueWord("metrics.port"), annotations["prometheus.io/port"].ToString());
        Assert.Equal("/metrics", annotations["prometheus.io/path"].ToString());

        var dark = Rendered(template, new Dictionary<string, string> { ["metrics.enabled"] = "false", ["control.enabled"] = "true" })!;
        Assert.Null(Variable(ContainerOf(dark), "Streamio__Telemetry__PrometheusPort"));
        Assert.DoesNotContain(((YamlSequenceNode)ContainerOf(dark)["ports"]).Cast<YamlMappingNode>(), port => port["name"].ToString() == "metrics");
        Assert.False(((YamlMappingNode)((YamlMappingNode)PodTemplateOf(dark)["metadata"])["annotations"]).Children.ContainsKey("prometheus.io/scrape"));
    }

    [Fact]
    public void The_pod_monitor_scrapes_the_metrics_port_of_every_pod_of_the_release()
    {
        Assert.Null(Rendered(PodMonitor));
        var values = new Dictionary<string, string>(ScaleToZero) { ["metrics.podMonitor.enabled"] = "true" };
        Assert.Null(Rendered(PodMonitor, new Dictionary<string, string>(values) { ["metrics.enabled"] = "false" }));
        var monitor = Rendered(PodMonitor, values)!;

        Assert.Equal("monitoring.coreos.com/v1", monitor["apiVersion"].ToString());
        var selector = (YamlMappingNode)((YamlMappingNode)Spec(monitor)["selector"])["matchLabels"];
        foreach (var pod in new[] { Api, Silo, Control })
        {
            var labels = PodLabelsOf(Rendered(pod, values)!);
            Assert.All(selector.Children, pair => Assert.Equal(pair.Value.ToString(), labels[pair.Key].ToString()));
        }
        var endpoint = ((YamlSequenceNode)Spec(monitor)["podMetricsEndpoints"]).Cast<YamlMappingNode>().Single();
        Assert.Equal("metrics", endpoint["port"].ToString());
        Assert.Equal("/metrics", endpoint["path"].ToString());
    }

    [Fact]
    public void Keda_without_prometheus_or_metrics_and_a_metrics_port_taken_by_another_fail_the_render()
    {
        var validate = Chart.Define("streamio.validateScaling");

        Assert.Contains("{{- include \"streamio.validateScaling\" . }}", Chart.Define("streamio.validate"), StringComparison.Ordinal);
        Assert.Contains("{{- if not .Values.keda.prometheus.serverAddress }}", validate, StringComparison.Ordinal);
        Assert.Contains("{{- if not .Values.metrics.enabled }}", validate, StringComparison.Ordinal);
        Assert.Contains("(int .Values.metrics.port) (list 8080 (int .Values.cluster.siloPort) (int .Values.cluster.gatewayPort))", validate, StringComparison.Ordinal);
        Assert.Equal(4, validate.Split("fail", StringSplitOptions.None).Length - 1);
        // The default values need a Prometheus address only once KEDA is switched on.
        Assert.Equal("", Chart.ValueAt("keda.prometheus.serverAddress")!.ToString());
    }

    public static TheoryData<string> Manifests() =>
        [.. Chart.Templates.Keys.Where(name => name.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_manifest_is_yaml_with_a_kind_under_every_scaling_and_live_choice(string template)
    {
        var choices = new[] { "keda.enabled", "keda.scaleToZero", "control.enabled", "silo.autoscaling.enabled", "metrics.enabled", "metrics.podMonitor.enabled", "live.enabled" };
        for (var combination = 0; combination < 1 << choices.Length; combination++)
        {
            var values = new Dictionary<string, string> { ["keda.prometheus.serverAddress"] = "http://prometheus:9090" };
            for (var bit = 0; bit < choices.Length; bit++)
            {
                values[choices[bit]] = (combination & (1 << bit)) != 0 ? "true" : "false";
            }
            if (Rendered(template, values) is { } manifest)
            {
                Assert.False(string.IsNullOrWhiteSpace(manifest["kind"].ToString()));
                Assert.NotNull(((YamlMappingNode)manifest["metadata"])["name"]);
            }
        }
    }

    /// <summary>The manifest as the values select it (helpers expanded, read with <see cref="HelmChart.Named"/>), or null when switched off.</summary>
    private static YamlMappingNode? Rendered(string template, IReadOnlyDictionary<string, string>? values = null)
    {
        var text = HelmChart.Named(Chart.Render(Chart.Templates[template], values));
        var content = text.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith('#'));
        return content ? HelmChart.ParseMapping(text) : null;
    }

    private static YamlMappingNode Spec(YamlMappingNode manifest) => (YamlMappingNode)manifest["spec"];

    private static string Name(YamlMappingNode manifest) => ((YamlMappingNode)manifest["metadata"])["name"].ToString();

    private static YamlMappingNode PodTemplateOf(YamlMappingNode deployment) => (YamlMappingNode)Spec(deployment)["template"];

    private static YamlMappingNode PodSpecOf(YamlMappingNode deployment) => (YamlMappingNode)PodTemplateOf(deployment)["spec"];

    private static YamlMappingNode PodLabelsOf(YamlMappingNode deployment) =>
        (YamlMappingNode)((YamlMappingNode)PodTemplateOf(deployment)["metadata"])["labels"];

    private static YamlMappingNode ContainerOf(YamlMappingNode deployment) =>
        ((YamlSequenceNode)PodSpecOf(deployment)["containers"]).Cast<YamlMappingNode>().Single();
}
