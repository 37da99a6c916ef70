using System.Reflection;
using System.Text.RegularExpressions;
using Streamio.Backbone;
using Streamio.Grains.Planning;
using Streamio.Host;
using Streamio.Media;
using Streamio.Storage;
using YamlDotNet.RepresentationModel;

namespace Streamio.Helm.Tests;

/// <summary>
/// What can be checked of the chart without helm or a cluster: it parses, every value it reads exists (and every value
/// is read), every manifest is YAML with a kind, and every setting it passes binds to a real Streamio option.
/// </summary>
public sealed partial class ChartTests
{
    private static readonly HelmChart Chart = HelmChart.Load();

    /// <summary>Configuration sections and the options class each binds to (longest prefix wins).</summary>
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.Ordinal)
    {
        ["Streamio"] = typeof(StreamioOptions),
        ["Streamio:Playback"] = typeof(PlaybackOptions),
        ["Streamio:Storage"] = typeof(StorageOptions),
        ["Streamio:Backbone"] = typeof(BackboneOptions),
        ["Streamio:Encoding"] = typeof(EncodingOptions),
        ["Streamio:Silo"] = typeof(SiloOptions),
        [FfmpegOptions.SectionName] = typeof(FfmpegOptions),
        ["Streamio:Auth"] = typeof(Streamio.Host.Auth.AuthOptions),
    };

    [Fact]
    public void Chart_yaml_names_a_v2_application_chart_with_semantic_versions()
    {
        Assert.Equal("v2", Chart.Chart["apiVersion"].ToString());
        Assert.Equal("streamio", Chart.Chart["name"].ToString());
        Assert.Equal("application", Chart.Chart["type"].ToString());
        Assert.Matches(SemanticVersion(), Chart.Chart["version"].ToString());
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
    public void Each_manifest_is_yaml_with_an_api_version_a_kind_and_a_name(string template, string kind)
    {
        var manifest = HelmChart.ParseMapping(HelmChart.Skeleton(Chart.Templates[template]));

        Assert.Equal(kind, manifest["kind"].ToString());
        Assert.False(string.IsNullOrWhiteSpace(manifest["apiVersion"].ToString()));
        Assert.NotNull(((YamlMappingNode)manifest["metadata"])["name"]);
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
    public void Every_streamio_setting_the_chart_passes_binds_to_a_real_option()
    {
        var names = Chart.Templates.Values.SelectMany(text => EnvironmentName().Matches(text)).Select(match => match.Groups[1].Value).Distinct().ToList();
        Assert.Contains("Streamio__Backbone__ConnectionString", names);

        var unbound = names.Where(name => !Binds(name.Replace("__", ":", StringComparison.Ordinal))).ToList();
        Assert.True(unbound.Count == 0, $"the chart sets settings Streamio does not have: {string.Join(", ", unbound)}");
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
        var container = Container(template);
        var roles = EnvironmentValue(container, "Streamio__Roles");

        Assert.Equal(role, roles);
        var options = new StreamioOptions { Roles = roles };
        Assert.Equal(runsApi, options.RunsApi);
        Assert.Equal(runsSilo, options.RunsSilo);
    }

    [Theory]
    [InlineData("api-deployment.yaml")]
    [InlineData("silo-deployment.yaml")]
    public void Probes_use_the_health_endpoints_on_the_port_the_image_listens_on(string template)
    {
        var container = Container(template);
        var port = ((YamlSequenceNode)container["ports"]).Cast<YamlMappingNode>().Single();
        Assert.Equal("8080", port["containerPort"].ToString());
        Assert.Contains("EXPOSE 8080", File.ReadAllText(Path.Combine(HelmChart.RepositoryRoot(), "Dockerfile")), StringComparison.Ordinal);
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
        Assert.True(int.Parse(grace.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 10);
        Assert.Equal("values.silo.shutdownGraceSeconds", EnvironmentValue(Container("silo-deployment.yaml", skeleton: false), "Streamio__Silo__ShutdownGraceSeconds"));
    }

    private static YamlMappingNode Container(string template, bool skeleton = true)
    {
        var text = skeleton ? HelmChart.Skeleton(Chart.Templates[template]) : KeepValueActions(Chart.Templates[template]);
        var manifest = HelmChart.ParseMapping(text);
        var pod = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)manifest["spec"])["template"])["spec"];
        return ((YamlSequenceNode)pod["containers"]).Cast<YamlMappingNode>().Single();
    }

    /// <summary>The skeleton, but <c>{{ .Values.a.b | quote }}</c> becomes "values.a.b" (to check which value feeds a variable).</summary>
    private static string KeepValueActions(string template) =>
        HelmChart.Skeleton(QuotedValueAction().Replace(template, match => $"\"values.{match.Groups[1].Value}\""));

    private static string EnvironmentValue(YamlMappingNode container, string name) =>
        ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>()
            .Single(variable => variable["name"].ToString() == name)["value"].ToString();

    private static YamlSequenceNode ParseList(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Assert.IsType<YamlSequenceNode>(stream.Documents.Single().RootNode);
    }

    /// <summary>True when a configuration key such as Streamio:Storage:S3:Bucket lands on a settable option property.</summary>
    private static bool Binds(string key)
    {
        var section = Sections.Keys.Where(prefix => key.StartsWith(prefix + ":", StringComparison.Ordinal)).MaxBy(prefix => prefix.Length);
        if (section is null)
        {
            return false;
        }
        var type = Sections[section];
        foreach (var part in key[(section.Length + 1)..].Split(':'))
        {
            var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || (property.SetMethod is null && property.PropertyType.IsValueType))
            {
                return false;
            }
            type = property.PropertyType;
        }
        return true;
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemanticVersion();

    [GeneratedRegex(@"- name: (Streamio__\w+)")]
    private static partial Regex EnvironmentName();

    [GeneratedRegex(@"terminationGracePeriodSeconds: \{\{ add \.Values\.silo\.shutdownGraceSeconds (\d+) \}\}")]
    private static partial Regex GracePeriod();

    [GeneratedRegex(@"\{\{ \.Values\.([\w.]+) \| quote \}\}")]
    private static partial Regex QuotedValueAction();
}
