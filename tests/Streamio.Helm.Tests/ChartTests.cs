using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Streamio.Helm.Tests;

/// <summary>
/// What can be checked of the chart without helm or a cluster: it parses, every value it reads exists (and every value
/// is read), every manifest is YAML with a kind, and every setting it passes is one Streamio reads.
/// </summary>
public sealed partial class ChartTests
{
    private static readonly HelmChart Chart = HelmChart.Load();

    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(HelmChart.RepositoryRoot(), "Dockerfile"));

    [Fact]
    public void Chart_yaml_names_a_v2_application_chart_with_semantic_versions()
    {
        Assert.Equal("v2", Chart.Chart["apiVersion"].ToString());
        Assert.Equal("streamio", Chart.Chart["name"].ToString());
        Assert.Equal("application", Chart.Chart["type"].ToString());
        Assert.Matches(SemanticVersion(), Chart.Chart["version"].ToString());
        Assert.Matches(SemanticVersion(), Chart.Chart["appVersion"].ToString());
    }

    [Fact]
    public void Every_value_a_template_reads_exists_in_values_yaml()
    {
        var missing = Chart.ValuePathsUsed().Where(path => Chart.ValueAt(path) is null).Order().ToList();
        Assert.True(missing.Count == 0, $"templates read values that values.yaml does not define: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_value_in_values_yaml_is_read_by_a_template()
    {
        var used = Chart.ValuePathsUsed();
        var unused = Chart.ValueLeaves()
            .Where(leaf => !used.Any(path => leaf == path || leaf.StartsWith(path + ".", StringComparison.Ordinal)))
            .ToList();
        Assert.True(unused.Count == 0, $"values.yaml has settings no template reads: {string.Join(", ", unused)}");
    }

    [Theory]
    [InlineData("api-deployment.yaml", "Deployment")]
    [InlineData("silo-deployment.yaml", "Deployment")]
    [InlineData("api-service.yaml", "Service")]
    [InlineData("secret.yaml", "Secret")]
    [InlineData("ingress.yaml", "Ingress")]
    [InlineData("silo-hpa.yaml", "HorizontalPodAutoscaler")]
    [InlineData("silo-pdb.yaml", "PodDisruptionBudget")]
    [InlineData("serviceaccount.yaml", "ServiceAccount")]
    [InlineData("silo-role.yaml", "Role")]
    [InlineData("silo-rolebinding.yaml", "RoleBinding")]
    [InlineData("control-deployment.yaml", "Deployment")]
    [InlineData("silo-scaledobject.yaml", "ScaledObject")]
    [InlineData("podmonitor.yaml", "PodMonitor")]
    [InlineData("live-service.yaml", "Service")]
    public void Each_manifest_is_yaml_with_an_api_version_a_kind_and_a_name(string template, string kind)
    {
        var manifest = HelmChart.ParseMapping(HelmChart.Skeleton(Chart.Templates[template]));

        Assert.Equal(kind, manifest["kind"].ToString());
        Assert.False(string.IsNullOrWhiteSpace(manifest["apiVersion"].ToString()));
        Assert.NotNull(((YamlMappingNode)manifest["metadata"])["name"]);
    }

    [Fact]
    public void Every_template_is_a_known_manifest_or_a_helper()
    {
        var known = new[]
        {
            "api-deployment.yaml", "silo-deployment.yaml", "api-service.yaml", "secret.yaml", "ingress.yaml", "silo-hpa.yaml",
            "silo-pdb.yaml", "serviceaccount.yaml", "silo-role.yaml", "silo-rolebinding.yaml", "control-deployment.yaml",
            "silo-scaledobject.yaml", "podmonitor.yaml", "live-service.yaml", "_helpers.tpl", "NOTES.txt",
        };
        Assert.Equal(known.Order(StringComparer.Ordinal), Chart.Templates.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("api-deployment.yaml")]
    [InlineData("silo-deployment.yaml")]
    public void Each_deployment_with_its_helpers_expanded_is_still_yaml(string template)
    {
        var container = Container(template);
        Assert.NotEmpty(Environment(container));
    }

    [Fact]
    public void The_shared_environment_is_a_yaml_list_of_names_with_a_value_or_a_secret()
    {
        var environment = ParseList(HelmChart.Skeleton(Chart.Define("streamio.env")));

        Assert.NotEmpty(environment);
        foreach (var variable in environment.Cast<YamlMappingNode>())
        {
            Assert.True(variable.Children.ContainsKey("value") || variable.Children.ContainsKey("valueFrom"), $"{variable["name"]} has no value");
        }
    }

    [Fact]
    public void Every_streamio_setting_the_chart_passes_is_one_streamio_reads()
    {
        var names = Chart.Templates.Values.SelectMany(text => EnvironmentName().Matches(text)).Select(match => match.Groups[1].Value).Distinct().ToList();
        Assert.Contains("Streamio__Database__ConnectionString", names);
        Assert.Contains("Streamio__Cluster__Clustering", names);

        var unbound = names.Where(name => !StreamioConfiguration.Binds(name)).ToList();
        Assert.True(unbound.Count == 0, $"the chart sets settings Streamio does not have: {string.Join(", ", unbound)}");
    }

    [Fact]
    public void Every_streamio_setting_the_image_sets_is_one_streamio_reads()
    {
        var names = DockerEnvironmentName().Matches(Dockerfile).Select(match => match.Groups[1].Value).ToList();
        Assert.Contains("Streamio__Database__ConnectionString", names);

        var unbound = names.Where(name => !StreamioConfiguration.Binds(name)).ToList();
        Assert.True(unbound.Count == 0, $"the Dockerfile sets settings Streamio does not have: {string.Join(", ", unbound)}");
    }

    [Fact]
    public void No_setting_of_the_retired_backbone_remains_in_the_chart_or_the_image()
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Chart.yaml"] = File.ReadAllText(Path.Combine(Chart.Root, "Chart.yaml")),
            ["values.yaml"] = File.ReadAllText(Path.Combine(Chart.Root, "values.yaml")),
            ["Dockerfile"] = Dockerfile,
        };
        foreach (var (name, text) in Chart.Templates)
        {
            files[$"templates/{name}"] = text;
        }

        var found = (from file in files
                     from word in StreamioConfiguration.Removed
                     where file.Value.Contains(word, StringComparison.OrdinalIgnoreCase)
                     select $"{file.Key}: {word}").ToList();
        Assert.True(found.Count == 0, $"settings that no longer exist: {string.Join(", ", found)}");
        Assert.Null(Chart.ValueAt("postgres"));
        Assert.Null(Chart.ValueAt("silo.leaseSeconds"));
    }

    [Fact]
    public void Large_integers_are_printed_as_integers_not_in_scientific_notation()
    {
        // Helm reads numbers in values as float64 and prints 1073741824 as 1.073741824e+09, which .NET will not bind
        // to a long: such values must pass through int64 before quote.
        var offenders = Chart.Templates.Values
            .SelectMany(text => QuotedValue().Matches(text))
            .Select(match => match.Groups[1].Value)
            .Where(path => Chart.ValueAt(path) is YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.SingleQuoted and not YamlDotNet.Core.ScalarStyle.DoubleQuoted } scalar
                && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && Math.Abs(number) >= 1_000_000)
            .Distinct()
            .ToList();
        Assert.True(offenders.Count == 0, $"quoted without int64: {string.Join(", ", offenders)}");
        Assert.Contains(".Values.maxUploadBytes | int64 | quote", Chart.Define("streamio.env"), StringComparison.Ordinal);
    }

    [Fact]
    public void Anonymous_access_is_off_in_a_cluster_and_the_admin_key_comes_from_a_secret()
    {
        var environment = ParseList(HelmChart.Skeleton(Chart.Define("streamio.env"))).Cast<YamlMappingNode>().ToList();

        Assert.Equal("false", environment.Single(variable => variable["name"].ToString() == "Streamio__Auth__AllowAnonymous")["value"].ToString());
        Assert.True(environment.Single(variable => variable["name"].ToString() == "Streamio__Auth__AdminKey").Children.ContainsKey("valueFrom"));
        Assert.Contains("adminKey:", Chart.Templates["secret.yaml"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api-deployment.yaml", "api", true, false)]
    [InlineData("silo-deployment.yaml", "silo", false, true)]
    public void Each_deployment_runs_its_own_role(string template, string role, bool runsApi, bool runsSilo)
    {
        var roles = Value(Container(template), "Streamio__Roles");

        Assert.Equal(role, roles);
        Assert.Equal((runsApi, runsSilo), StreamioConfiguration.Roles(roles));
    }

    [Theory]
    [InlineData("api-deployment.yaml")]
    [InlineData("silo-deployment.yaml")]
    public void Probes_use_the_health_endpoints_on_the_port_the_image_listens_on(string template)
    {
        var container = Container(template);
        Assert.Equal("8080", Port(container, "http")["containerPort"].ToString());
        Assert.Contains("8080", ExposedPorts());
        Assert.Contains("\"http://0.0.0.0:8080\"", Chart.Define("streamio.env"), StringComparison.Ordinal);

        Assert.Equal("/healthz", ((YamlMappingNode)((YamlMappingNode)container["livenessProbe"])["httpGet"])["path"].ToString());
        Assert.Equal("/readyz", ((YamlMappingNode)((YamlMappingNode)container["readinessProbe"])["httpGet"])["path"].ToString());
    }

    [Fact]
    public void Kubernetes_waits_longer_than_the_silos_shutdown_grace_before_killing_it()
    {
        var template = Chart.Templates["silo-deployment.yaml"];
        var grace = GracePeriod().Match(template);

        Assert.True(grace.Success, "terminationGracePeriodSeconds must be shutdownGraceSeconds plus a margin");
        Assert.True(int.Parse(grace.Groups[1].Value, CultureInfo.InvariantCulture) >= 10);
        Assert.Equal(HelmChart.ValueWord("silo.shutdownGraceSeconds"), Value(Container("silo-deployment.yaml"), "Streamio__Silo__ShutdownGraceSeconds"));
        Assert.True(int.Parse(Chart.ValueAt("silo.shutdownGraceSeconds")!.ToString(), CultureInfo.InvariantCulture) > 0);
    }

    /// <summary>A manifest with its helpers expanded, read with <see cref="HelmChart.Named"/>.</summary>
    private static YamlMappingNode Manifest(string template) =>
        HelmChart.ParseMapping(HelmChart.Named(Chart.Expand(Chart.Templates[template])));

    private static YamlMappingNode PodTemplate(string template) =>
        (YamlMappingNode)((YamlMappingNode)Manifest(template)["spec"])["template"];

    private static YamlMappingNode PodSpec(string template) => (YamlMappingNode)PodTemplate(template)["spec"];

    private static YamlMappingNode PodLabels(string template) =>
        (YamlMappingNode)((YamlMappingNode)PodTemplate(template)["metadata"])["labels"];

    private static YamlMappingNode Container(string template) =>
        ((YamlSequenceNode)PodSpec(template)["containers"]).Cast<YamlMappingNode>().Single();

    private static List<YamlMappingNode> Environment(YamlMappingNode container) =>
        ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToList();

    private static YamlMappingNode? Variable(YamlMappingNode container, string name)
    {
        var matches = Environment(container).Where(variable => variable["name"].ToString() == name).ToList();
        Assert.True(matches.Count <= 1, $"{name} is set {matches.Count} times");
        return matches.SingleOrDefault();
    }

    private static string Value(YamlMappingNode container, string name) =>
        (Variable(container, name) ?? throw new Xunit.Sdk.XunitException($"{name} is not set"))["value"].ToString();

    /// <summary>The downward-API field a variable comes from (valueFrom.fieldRef.fieldPath).</summary>
    private static string FieldPath(YamlMappingNode container, string name)
    {
        var variable = Variable(container, name) ?? throw new Xunit.Sdk.XunitException($"{name} is not set");
        var valueFrom = Assert.IsType<YamlMappingNode>(variable["valueFrom"]);
        return ((YamlMappingNode)valueFrom["fieldRef"])["fieldPath"].ToString();
    }

    private static YamlMappingNode Port(YamlMappingNode container, string name) =>
        ((YamlSequenceNode)container["ports"]).Cast<YamlMappingNode>().Single(port => port["name"].ToString() == name);

    private static IReadOnlyList<string> ExposedPorts() =>
        Expose().Matches(Dockerfile).SelectMany(match => match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    private static YamlSequenceNode ParseList(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Assert.IsType<YamlSequenceNode>(stream.Documents.Single().RootNode);
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemanticVersion();

    [GeneratedRegex(@"- name: (Streamio__\w+)")]
    private static partial Regex EnvironmentName();

    [GeneratedRegex(@"\b(Streamio__\w+)=")]
    private static partial Regex DockerEnvironmentName();

    /// <summary>An EXPOSE line: ports as written, "8080" (TCP) or "9000/udp".</summary>
    [GeneratedRegex(@"^EXPOSE (\d+(?:/(?:tcp|udp))?(?: \d+(?:/(?:tcp|udp))?)*)$", RegexOptions.Multiline)]
    private static partial Regex Expose();

    [GeneratedRegex(@"terminationGracePeriodSeconds: \{\{ add \.Values\.silo\.shutdownGraceSeconds (\d+) \}\}")]
    private static partial Regex GracePeriod();

    [GeneratedRegex(@"\{\{-?\s*\.Values\.([\w.]+)\s*\|\s*quote\s*-?\}\}")]
    private static partial Regex QuotedValue();
}
