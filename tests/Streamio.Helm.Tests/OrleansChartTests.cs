using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Streamio.Helm.Tests;

/// <summary>
/// The chart as an Orleans deployment: silos hosted with Microsoft.Orleans.Hosting.Kubernetes (UseKubernetesHosting),
/// API nodes as Orleans clients, clustering through a membership table. What the Kubernetes hosting needs was read
/// from Microsoft.Orleans.Hosting.Kubernetes 10.4.2: the variables POD_NAME, POD_NAMESPACE, POD_IP, ORLEANS_SERVICE_ID,
/// ORLEANS_CLUSTER_ID; the pod labels orleans/serviceId and orleans/clusterId (its pod selector); and, on pods, read
/// (its own pod), patch (its own labels), list and watch (the cluster's pods), delete (pods of silos declared dead).
/// </summary>
public sealed partial class ChartTests
{
    private const string Silo = "silo-deployment.yaml";
    private const string Api = "api-deployment.yaml";

    [Theory]
    [InlineData("orleans/serviceId", "Streamio__Cluster__ServiceId", "ORLEANS_SERVICE_ID", "cluster.serviceId")]
    [InlineData("orleans/clusterId", "Streamio__Cluster__ClusterId", "ORLEANS_CLUSTER_ID", "cluster.clusterId")]
    public void Silo_pods_carry_the_orleans_labels_of_their_service_and_cluster_ids(string label, string setting, string hostingVariable, string value)
    {
        var labels = PodLabels(Silo);
        var container = Container(Silo);

        Assert.Equal(HelmChart.ValueWord(value), labels[label].ToString());
        Assert.Equal(labels[label].ToString(), Value(container, setting));
        Assert.Equal($"metadata.labels['{label}']", FieldPath(container, hostingVariable));
        Assert.Equal("streamio", Chart.ValueAt(value)!.ToString());
        Assert.Matches(LabelValue(), Chart.ValueAt(value)!.ToString());
    }

    [Fact]
    public void Api_pods_carry_no_orleans_labels_so_the_hosting_never_takes_them_for_silos()
    {
        Assert.DoesNotContain(PodLabels(Api).Children.Keys, key => key.ToString().StartsWith("orleans/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("POD_NAME", "metadata.name")]
    [InlineData("POD_NAMESPACE", "metadata.namespace")]
    [InlineData("POD_IP", "status.podIP")]
    [InlineData("Streamio__Cluster__AdvertisedAddress", "status.podIP")]
    public void The_silo_learns_its_pod_from_the_downward_api(string variable, string field)
    {
        Assert.Equal(field, FieldPath(Container(Silo), variable));
    }

    [Fact]
    public void Kubernetes_hosting_is_switched_on_for_silos_with_the_api_token_it_needs()
    {
        Assert.Equal(HelmChart.ValueWord("cluster.kubernetesHosting"), Value(Container(Silo), "Streamio__Cluster__Kubernetes"));
        Assert.Equal("true", Chart.ValueAt("cluster.kubernetesHosting")!.ToString());
        Assert.Equal(HelmChart.ValueWord("cluster.kubernetesHosting"), PodSpec(Silo)["automountServiceAccountToken"].ToString());
        Assert.Equal("false", PodSpec(Api)["automountServiceAccountToken"].ToString());
    }

    [Fact]
    public void The_role_grants_on_pods_exactly_the_verbs_the_kubernetes_hosting_uses()
    {
        var rule = ((YamlSequenceNode)Manifest("silo-role.yaml")["rules"]).Cast<YamlMappingNode>().Single();

        Assert.Equal(new[] { "" }, Strings(rule["apiGroups"]));
        Assert.Equal(new[] { "pods" }, Strings(rule["resources"]));
        Assert.Equal(new[] { "delete", "get", "list", "patch", "watch" }, Strings(rule["verbs"]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("silo-role.yaml", "{{- if and .Values.rbac.create .Values.cluster.kubernetesHosting }}")]
    [InlineData("silo-rolebinding.yaml", "{{- if and .Values.rbac.create .Values.cluster.kubernetesHosting }}")]
    [InlineData("serviceaccount.yaml", "{{- if .Values.serviceAccount.create }}")]
    public void Rbac_objects_are_created_only_when_asked_for(string template, string firstLine)
    {
        Assert.Equal(firstLine, Chart.Templates[template].Split('\n')[0]);
    }

    [Fact]
    public void The_role_is_bound_to_the_service_account_the_silos_run_as()
    {
        var role = Manifest("silo-role.yaml");
        var binding = Manifest("silo-rolebinding.yaml");
        var account = Manifest("serviceaccount.yaml");
        var podAccount = PodSpec(Silo)["serviceAccountName"].ToString();

        var roleRef = (YamlMappingNode)binding["roleRef"];
        Assert.Equal("Role", roleRef["kind"].ToString());
        Assert.Equal("rbac.authorization.k8s.io", roleRef["apiGroup"].ToString());
        Assert.Equal(((YamlMappingNode)role["metadata"])["name"].ToString(), roleRef["name"].ToString());

        var subject = ((YamlSequenceNode)binding["subjects"]).Cast<YamlMappingNode>().Single();
        Assert.Equal("ServiceAccount", subject["kind"].ToString());
        Assert.Equal(podAccount, subject["name"].ToString());
        Assert.Equal("Release_Namespace", subject["namespace"].ToString());
        Assert.Equal(podAccount, ((YamlMappingNode)account["metadata"])["name"].ToString());
        Assert.Equal("include_streamio_serviceAccountName", podAccount);
    }

    [Theory]
    [InlineData("silo", "Streamio__Cluster__SiloPort", "cluster.siloPort", 11111)]
    [InlineData("gateway", "Streamio__Cluster__GatewayPort", "cluster.gatewayPort", 30000)]
    public void Silo_and_gateway_container_ports_are_the_configured_ports(string name, string setting, string value, int port)
    {
        var container = Container(Silo);

        Assert.Equal(HelmChart.ValueWord(value), Port(container, name)["containerPort"].ToString());
        Assert.Equal(HelmChart.ValueWord(value), Value(container, setting));
        Assert.Equal(port, int.Parse(Chart.ValueAt(value)!.ToString(), CultureInfo.InvariantCulture));
        Assert.Contains(port.ToString(CultureInfo.InvariantCulture), ExposedPorts());
        Assert.Contains(value, Chart.Define("streamio.validate"), StringComparison.Ordinal);
    }

    [Fact]
    public void Api_nodes_are_orleans_clients_that_find_the_gateways_through_the_clustering_provider()
    {
        var container = Container(Api);

        foreach (var setting in new[] { "Streamio__Cluster__Clustering", "Streamio__Cluster__ClusterId", "Streamio__Cluster__ServiceId", "Streamio__Database__Kind" })
        {
            Assert.Equal(Value(Container(Silo), setting), Value(container, setting));
        }
        Assert.NotNull(Variable(container, "Streamio__Database__ConnectionString"));
        foreach (var siloOnly in new[] { "Streamio__Cluster__SiloPort", "Streamio__Cluster__GatewayPort", "Streamio__Cluster__AdvertisedAddress", "Streamio__Cluster__Kubernetes", "POD_NAME" })
        {
            Assert.Null(Variable(container, siloOnly));
        }
        Assert.DoesNotContain(((YamlSequenceNode)container["ports"]).Cast<YamlMappingNode>(), port => port["name"].ToString() is "silo" or "gateway");
    }

    [Fact]
    public void A_cluster_runs_on_postgres_with_adonet_or_azure_table_clustering_and_refuses_anything_else()
    {
        Assert.Equal("Postgres", Chart.ValueAt("database.kind")!.ToString());
        Assert.Contains(Chart.ValueAt("cluster.clustering")!.ToString(), new[] { "AdoNet", "AzureTable" });

        var validate = Chart.Define("streamio.validate");
        Assert.Contains("(list \"AdoNet\" \"AzureTable\")", validate, StringComparison.Ordinal);
        Assert.Contains("ne (toString .Values.database.kind) \"Postgres\"", validate, StringComparison.Ordinal);
        Assert.Equal(4, validate.Split("fail", StringSplitOptions.None).Length - 1);
        Assert.StartsWith("{{- include \"streamio.validate\" . }}", Chart.Templates[Silo], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Streamio__Database__ConnectionString", "connectionString:")]
    [InlineData("Streamio__Cluster__AzureTableConnectionString", "azureTableConnectionString:")]
    public void Connection_strings_come_from_a_secret(string setting, string secretKey)
    {
        var variable = Variable(Container(Silo), setting) ?? throw new Xunit.Sdk.XunitException($"{setting} is not set");

        Assert.False(variable.Children.ContainsKey("value"));
        Assert.NotNull(((YamlMappingNode)variable["valueFrom"])["secretKeyRef"]);
        Assert.Contains(secretKey, Chart.Templates["secret.yaml"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("probeTimeoutSeconds", "Streamio__Cluster__ProbeTimeoutSeconds")]
    [InlineData("numMissedProbesLimit", "Streamio__Cluster__NumMissedProbesLimit")]
    [InlineData("numVotesForDeathDeclaration", "Streamio__Cluster__NumVotesForDeathDeclaration")]
    [InlineData("iAmAliveTablePublishSeconds", "Streamio__Cluster__IAmAliveTablePublishSeconds")]
    public void Membership_tuning_is_passed_to_silos_only_when_set(string value, string setting)
    {
        // In the environment every silo (worker or control) includes.
        var template = Chart.Define("streamio.siloEnv");
        var guard = $"{{{{- with .Values.cluster.membership.{value} }}}}";

        Assert.Contains(guard, template, StringComparison.Ordinal);
        Assert.Contains($"- name: {setting}", template[template.IndexOf(guard, StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.NotNull(Variable(Container(Silo), setting));
        Assert.True(StreamioConfiguration.Binds(setting));
    }

    [Fact]
    public void The_disruption_budget_and_the_autoscaler_act_on_the_silo_pods()
    {
        var siloLabels = PodLabels(Silo);
        var budget = (YamlMappingNode)Manifest("silo-pdb.yaml")["spec"];
        var selector = (YamlMappingNode)((YamlMappingNode)budget["selector"])["matchLabels"];
        foreach (var (key, value) in selector.Children)
        {
            Assert.Equal(value.ToString(), siloLabels[key].ToString());
        }
        Assert.Equal("silo", selector["app.kubernetes.io/component"].ToString());
        Assert.True(int.Parse(Chart.ValueAt("silo.podDisruptionBudget.maxUnavailable")!.ToString(), CultureInfo.InvariantCulture) >= 1,
            "a budget of 0 unavailable silos would block every node drain");

        var autoscaler = (YamlMappingNode)Manifest("silo-hpa.yaml")["spec"];
        var target = (YamlMappingNode)autoscaler["scaleTargetRef"];
        Assert.Equal("Deployment", target["kind"].ToString());
        Assert.Equal(((YamlMappingNode)Manifest(Silo)["metadata"])["name"].ToString(), target["name"].ToString());
        var min = int.Parse(Chart.ValueAt("silo.autoscaling.minReplicas")!.ToString(), CultureInfo.InvariantCulture);
        var max = int.Parse(Chart.ValueAt("silo.autoscaling.maxReplicas")!.ToString(), CultureInfo.InvariantCulture);
        Assert.InRange(min, 1, max);
    }

    [Fact]
    public void The_image_exposes_http_silo_gateway_and_live_ingest_ports_and_installs_ffmpeg()
    {
        Assert.Equal(new[] { "8080", "11111", "30000", "1935", "9000/udp" }, ExposedPorts());
        Assert.Contains("ffmpeg", Dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("Streamio__Roles=", Dockerfile, StringComparison.Ordinal);
    }

    private static List<string> Strings(YamlNode node) => ((YamlSequenceNode)node).Select(item => item.ToString()).ToList();

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex LabelValue();
}
