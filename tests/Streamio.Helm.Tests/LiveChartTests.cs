using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Streamio.Helm.Tests;

/// <summary>
/// Live ingest in the chart: RTMP (TCP) and SRT (UDP) publishers reach the worker silos through the <c>-live</c>
/// Service; control silos and API nodes never listen; the ports and settings are the ones the ingest servers' options
/// classes (read from their source) bind; and a release in which no worker silo may run fails the render.
/// </summary>
public sealed partial class ChartTests
{
    private const string LiveService = "live-service.yaml";

    private static readonly OptionsSource Rtmp = OptionsSource.Read("src/Streamio.Ingest/Rtmp/RtmpIngestOptions.cs");

    private static readonly OptionsSource Srt = OptionsSource.Read("src/Streamio.Ingest/Srt/SrtIngestOptions.cs");

    [Fact]
    public void The_options_classes_are_the_ingest_sections_the_chart_sets()
    {
        Assert.Equal("Streamio:Live:Rtmp", Rtmp.Section);
        Assert.Equal("Streamio:Live:Srt", Srt.Section);
        foreach (var options in new[] { Rtmp, Srt })
        {
            Assert.Equal("true", options.Defaults["Enabled"]);
            // The hand-kept list of keys has exactly what the class binds under its section.
            var listed = StreamioConfiguration.Keys.Where(key => key.StartsWith(options.Section + ":", StringComparison.OrdinalIgnoreCase));
            Assert.Equal(options.Keys.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("rtmp", "TCP", "live.rtmp.port", "Streamio__Live__Rtmp__Port", "1935")]
    [InlineData("srt", "UDP", "live.srt.port", "Streamio__Live__Srt__Port", "9000/udp")]
    public void Live_ports_are_the_ingest_servers_defaults_on_the_worker_silo_and_in_the_image(string name, string protocol, string value, string setting, string exposed)
    {
        var options = name == "rtmp" ? Rtmp : Srt;
        var container = ContainerOf(Rendered(Silo)!);
        var port = Port(container, name);

        Assert.Equal(options.Defaults["Port"], Chart.ValueAt(value)!.ToString());
        Assert.Equal(HelmChart.ValueWord(value), port["containerPort"].ToString());
        Assert.Equal(protocol, port["protocol"].ToString());
        Assert.Equal(HelmChart.ValueWord(value), Value(container, setting));
        Assert.Contains($"{options.Section}:Port", options.Keys);
        Assert.Contains(exposed, ExposedPorts());
        Assert.StartsWith(options.Defaults["Port"]!, exposed, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_live_setting_the_chart_passes_is_bound_by_an_ingest_options_class_or_is_the_public_host()
    {
        var names = Chart.Templates.Values.SelectMany(text => EnvironmentName().Matches(text)).Select(match => match.Groups[1].Value)
            .Where(name => name.StartsWith("Streamio__Live__", StringComparison.Ordinal)).Distinct().ToList();
        var bound = Rtmp.Keys.Concat(Srt.Keys).Select(StreamioConfiguration.Variable).Append("Streamio__Live__PublicHost").ToHashSet(StringComparer.Ordinal);

        Assert.Equal(
            ["Streamio__Live__PublicHost", "Streamio__Live__Rtmp__Enabled", "Streamio__Live__Rtmp__Port", "Streamio__Live__Srt__Enabled", "Streamio__Live__Srt__Port"],
            names.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(names, name => !bound.Contains(name));
    }

    [Fact]
    public void Worker_silos_listen_for_publishers_when_live_is_enabled()
    {
        Assert.Equal("true", Chart.ValueAt("live.enabled")!.ToString());
        var container = ContainerOf(Rendered(Silo)!);
        Assert.Equal(HelmChart.ValueWord("live.enabled"), Value(container, "Streamio__Live__Rtmp__Enabled"));
        Assert.Equal(HelmChart.ValueWord("live.enabled"), Value(container, "Streamio__Live__Srt__Enabled"));

        var off = new Dictionary<string, string> { ["live.enabled"] = "false" };
        Assert.Null(Rendered(LiveService, off));
        Assert.Empty(LivePorts(ContainerOf(Rendered(Silo, off)!)));
    }

    [Theory]
    [InlineData(Api)]
    [InlineData(Control)]
    public void Control_silos_and_api_nodes_never_ingest(string template)
    {
        var container = ContainerOf(Rendered(template, new Dictionary<string, string> { ["control.enabled"] = "true" })!);

        Assert.Equal("false", Value(container, "Streamio__Live__Rtmp__Enabled"));
        Assert.Equal("false", Value(container, "Streamio__Live__Srt__Enabled"));
        Assert.Empty(LivePorts(container));
        // They still know the ports, so that the API builds publish URLs with the ports the Service listens on.
        Assert.Equal(HelmChart.ValueWord("live.rtmp.port"), Value(container, "Streamio__Live__Rtmp__Port"));
        Assert.Equal(HelmChart.ValueWord("live.srt.port"), Value(container, "Streamio__Live__Srt__Port"));
    }

    [Fact]
    public void The_public_host_is_passed_to_every_pod_only_when_set()
    {
        var template = Chart.Define("streamio.liveEnv");
        var guard = "{{- with .Values.live.publicHost }}";

        Assert.Equal("", Chart.ValueAt("live.publicHost")!.ToString());
        Assert.Contains($"- name: Streamio__Live__PublicHost", template[template.IndexOf(guard, StringComparison.Ordinal)..], StringComparison.Ordinal);
        foreach (var pod in new[] { Api, Silo })
        {
            Assert.NotNull(Variable(ContainerOf(Rendered(pod)!), "Streamio__Live__PublicHost"));
        }
    }

    [Fact]
    public void The_live_service_selects_the_worker_silos_only_with_both_ports_and_client_ip_affinity()
    {
        var service = Rendered(LiveService)!;
        var spec = Spec(service);
        var selector = (YamlMappingNode)spec["selector"];
        var values = new Dictionary<string, string> { ["control.enabled"] = "true" };

        Assert.Equal("Service", service["kind"].ToString());
        Assert.EndsWith("-live", Name(service), StringComparison.Ordinal);
        Assert.True(Selects(selector, Rendered(Silo, values)!));
        Assert.False(Selects(selector, Rendered(Control, values)!));
        Assert.False(Selects(selector, Rendered(Api, values)!));

        Assert.Equal("ClientIP", spec["sessionAffinity"].ToString());
        var affinity = (YamlMappingNode)((YamlMappingNode)spec["sessionAffinityConfig"])["clientIP"];
        Assert.Equal(HelmChart.ValueWord("live.service.sessionAffinityTimeoutSeconds"), affinity["timeoutSeconds"].ToString());

        var worker = ContainerOf(Rendered(Silo)!);
        var ports = ((YamlSequenceNode)spec["ports"]).Cast<YamlMappingNode>().ToList();
        Assert.Equal(["rtmp", "srt"], ports.Select(port => port["name"].ToString()));
        foreach (var port in ports)
        {
            // Each port forwards to the worker's container port of that name, with the same number and protocol.
            var target = Port(worker, port["targetPort"].ToString());
            Assert.Equal(target["containerPort"].ToString(), port["port"].ToString());
            Assert.Equal(target["protocol"].ToString(), port["protocol"].ToString());
        }
    }

    [Theory]
    [InlineData("LoadBalancer", true)]
    [InlineData("NodePort", true)]
    [InlineData("ClusterIP", false)]
    public void The_live_service_type_and_external_traffic_policy_come_from_values(string type, bool external)
    {
        Assert.Equal("LoadBalancer", Chart.ValueAt("live.service.type")!.ToString());
        Assert.Equal("Local", Chart.ValueAt("live.service.externalTrafficPolicy")!.ToString());
        var spec = Spec(Rendered(LiveService, new Dictionary<string, string> { ["live.service.type"] = type })!);

        Assert.Equal(HelmChart.ValueWord("live.service.type"), spec["type"].ToString());
        // Kubernetes refuses externalTrafficPolicy on a ClusterIP Service.
        Assert.Equal(external, spec.Children.ContainsKey("externalTrafficPolicy"));
        if (external)
        {
            Assert.Equal(HelmChart.ValueWord("live.service.externalTrafficPolicy"), spec["externalTrafficPolicy"].ToString());
        }
        Assert.Contains("{{- with .Values.live.service.annotations }}", Chart.Templates[LiveService], StringComparison.Ordinal);
    }

    public static TheoryData<bool, bool, bool, bool, string, string, string> ScalingWithLive()
    {
        var data = new TheoryData<bool, bool, bool, bool, string, string, string>();
        foreach (var live in new[] { true, false })
        {
            foreach (var keda in new[] { true, false })
            {
                foreach (var toZero in new[] { true, false })
                {
                    foreach (var cpu in new[] { true, false })
                    {
                        foreach (var count in new[] { "0", "2" })
                        {
                            data.Add(live, keda, toZero, cpu, count, count == "0" ? "2" : "0", count == "0" ? "1" : "0");
                        }
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ScalingWithLive))]
    public void Live_ingest_with_no_worker_silo_at_the_minimum_fails_the_render(
        bool live, bool keda, bool scaleToZero, bool cpuAutoscaling, string replicas, string cpuMinimum, string kedaMinimum)
    {
        var values = new Dictionary<string, string>(Keda)
        {
            ["live.enabled"] = live ? "true" : "false",
            ["keda.enabled"] = keda ? "true" : "false",
            ["keda.scaleToZero"] = scaleToZero ? "true" : "false",
            ["keda.minReplicas"] = kedaMinimum,
            ["silo.autoscaling.enabled"] = cpuAutoscaling ? "true" : "false",
            ["silo.replicas"] = replicas,
            ["silo.autoscaling.minReplicas"] = cpuMinimum,
        };

        // The guard's lines that these values keep (the render fails at the first fail it reaches).
        var failures = Chart.Render(Chart.Define("streamio.validateLive"), values).Split('\n')
            .Where(line => line.Contains("fail \"live ingest needs a worker silo", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count <= 1);
        Assert.Equal(live && WorkerSiloMinimum(values) == 0, failures.Count == 1);
    }

    [Fact]
    public void The_live_guards_are_part_of_the_chart_validation()
    {
        var validate = Chart.Define("streamio.validateLive");

        Assert.Contains("{{- include \"streamio.validateLive\" . }}", Chart.Define("streamio.validate"), StringComparison.Ordinal);
        Assert.StartsWith("{{- if .Values.live.enabled }}", validate.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("(list \"LoadBalancer\" \"NodePort\" \"ClusterIP\")", validate, StringComparison.Ordinal);
        Assert.Contains("(list \"Local\" \"Cluster\")", validate, StringComparison.Ordinal);
        Assert.Contains("(int .Values.live.rtmp.port) (list 8080 (int .Values.cluster.siloPort) (int .Values.cluster.gatewayPort) (int .Values.metrics.port))", validate, StringComparison.Ordinal);
        Assert.Contains("(lt $affinity 1) (gt $affinity 86400)", validate, StringComparison.Ordinal);
        Assert.Equal(7, validate.Split("fail", StringSplitOptions.None).Length - 1);
        // Kubernetes' limits for ClientIP affinity; the default is its own default (three hours).
        Assert.Equal("10800", Chart.ValueAt("live.service.sessionAffinityTimeoutSeconds")!.ToString());
    }

    /// <summary>
    /// The fewest worker silos the rendered manifests allow: the ScaledObject's minReplicaCount with KEDA, else the CPU
    /// autoscaler's minReplicas, else the Deployment's replicas (values resolved from <paramref name="values"/>).
    /// </summary>
    private static int WorkerSiloMinimum(IReadOnlyDictionary<string, string> values)
    {
        if (Rendered(ScaledObject, values) is { } scaledObject)
        {
            var minimum = Spec(scaledObject)["minReplicaCount"].ToString();
            // max 1 (int .Values.keda.minReplicas): never under one.
            return minimum == "max_1_int_Values_keda_minReplicas" ? Math.Max(1, Resolve("keda.minReplicas")) : int.Parse(minimum, CultureInfo.InvariantCulture);
        }
        if (Rendered(CpuAutoscaler, values) is { } autoscaler)
        {
            Assert.Equal(HelmChart.ValueWord("silo.autoscaling.minReplicas"), Spec(autoscaler)["minReplicas"].ToString());
            return Resolve("silo.autoscaling.minReplicas");
        }
        Assert.Equal(HelmChart.ValueWord("silo.replicas"), Spec(Rendered(Silo, values)!)["replicas"].ToString());
        return Resolve("silo.replicas");

        int Resolve(string path) =>
            int.Parse(values.TryGetValue(path, out var set) ? set : Chart.ValueAt(path)!.ToString(), CultureInfo.InvariantCulture);
    }

    private static bool Selects(YamlMappingNode selector, YamlMappingNode deployment)
    {
        var labels = PodLabelsOf(deployment);
        return selector.Children.All(pair => labels.Children.TryGetValue(pair.Key, out var label) && label.ToString() == pair.Value.ToString());
    }

    private static List<YamlMappingNode> LivePorts(YamlMappingNode container) =>
        ((YamlSequenceNode)container["ports"]).Cast<YamlMappingNode>().Where(port => port["name"].ToString() is "rtmp" or "srt").ToList();
}
