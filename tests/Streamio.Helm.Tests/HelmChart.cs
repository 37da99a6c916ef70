using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Streamio.Helm.Tests;

/// <summary>
/// The chart under helm/streamio, read without a helm binary: its values as a YAML tree, and each template's
/// "skeleton" (template actions replaced by a placeholder, control lines dropped), which must still be YAML.
/// </summary>
public sealed partial class HelmChart
{
    private HelmChart(string root)
    {
        Root = root;
        Chart = LoadMapping(Path.Combine(root, "Chart.yaml"));
        Values = LoadMapping(Path.Combine(root, "values.yaml"));
        Templates = Directory.GetFiles(Path.Combine(root, "templates"))
            .ToDictionary(path => Path.GetFileName(path), File.ReadAllText, StringComparer.Ordinal);
    }

    public string Root { get; }

    public YamlMappingNode Chart { get; }

    public YamlMappingNode Values { get; }

    /// <summary>Template file name → its text.</summary>
    public IReadOnlyDictionary<string, string> Templates { get; }

    public static HelmChart Load() => new(Path.Combine(RepositoryRoot(), "helm", "streamio"));

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Streamio.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Streamio.sln not found above the test binaries.");
    }

    /// <summary>Every <c>.Values.a.b</c> path the templates read, as "a.b".</summary>
    public IReadOnlySet<string> ValuePathsUsed() =>
        Templates.Values.SelectMany(text => ValuesReference().Matches(text)).Select(match => match.Groups[1].Value).ToHashSet();

    /// <summary>Every leaf of values.yaml as "a.b.c" (an empty map or list counts as a leaf).</summary>
    public IReadOnlyList<string> ValueLeaves()
    {
        var leaves = new List<string>();
        Walk(Values, "");
        return leaves;

        void Walk(YamlNode node, string path)
        {
            if (node is YamlMappingNode { Children.Count: > 0 } mapping)
            {
                foreach (var (key, child) in mapping.Children)
                {
                    Walk(child, path.Length == 0 ? key.ToString() : $"{path}.{key}");
                }
            }
            else
            {
                leaves.Add(path);
            }
        }
    }

    public YamlNode? ValueAt(string path) => At(Values, path);

    /// <summary>The node at "a.b.c" under <paramref name="root"/>, or null.</summary>
    public static YamlNode? At(YamlNode root, string path)
    {
        YamlNode? node = root;
        foreach (var part in path.Split('.'))
        {
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(part), out var child) ? child : null;
        }
        return node;
    }

    /// <summary>
    /// The template with its actions neutralised: a line that is only actions is dropped (if/with/end/include … nindent),
    /// any other run of actions becomes the word <c>templated</c>. The result of a manifest template must be YAML.
    /// </summary>
    public static string Skeleton(string template)
    {
        var lines = new List<string>();
        foreach (var line in SkipComments(template).Split('\n'))
        {
            if (OnlyActions().IsMatch(line))
            {
                continue;
            }
            lines.Add(Actions().Replace(line, "templated"));
        }
        return string.Join('\n', lines);
    }

    /// <summary>
    /// The skeleton, but each run of actions becomes a word spelt from the action itself, so that two places fed by the
    /// same expression can be compared: <c>{{ .Values.cluster.siloPort | quote }}</c> becomes <c>Values_cluster_siloPort</c>
    /// (as does the unquoted form), <c>{{ include "streamio.fullname" . }}-silo</c> becomes <c>include_streamio_fullname-silo</c>.
    /// </summary>
    public static string Named(string template)
    {
        var lines = new List<string>();
        foreach (var line in SkipComments(template).Split('\n'))
        {
            if (OnlyActions().IsMatch(line))
            {
                continue;
            }
            lines.Add(Actions().Replace(line, match => Word(match.Value)));
        }
        return string.Join('\n', lines);
    }

    /// <summary>The word <see cref="Named"/> writes for <c>.Values.a.b</c>.</summary>
    public static string ValueWord(string path) => Word($"{{{{ .Values.{path} }}}}");

    /// <summary>
    /// The template with every line <c>{{- include "x" . | nindent N }}</c> replaced by the body of define "x" indented
    /// by N (recursively), as helm would place it; the result is then read with <see cref="Skeleton"/> or <see cref="Named"/>.
    /// </summary>
    public string Expand(string template) =>
        IncludeLine().Replace(template, match =>
        {
            var indent = new string(' ', int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            var body = Expand(Define(match.Groups[1].Value));
            return string.Join('\n', body.Split('\n').Where(line => line.Trim().Length > 0).Select(line => indent + line));
        });

    /// <summary>
    /// The template with its helpers expanded and only the if/else branches that <paramref name="values"/> (paths such
    /// as "keda.enabled" → YAML scalars, over values.yaml) select; read the result with <see cref="Skeleton"/> or
    /// <see cref="Named"/>. Whitespace only when the whole manifest is switched off.
    /// </summary>
    public string Render(string template, IReadOnlyDictionary<string, string>? values = null)
    {
        var branches = new TemplateBranches(path => values is not null && values.TryGetValue(path, out var set) ? new YamlScalarNode(set) : ValueAt(path));
        return branches.Select(SkipComments(Expand(template)));
    }

    private static string Word(string actions)
    {
        var text = Pipes().Replace(actions, "");
        return NotWord().Replace(text, "_").Trim('_');
    }

    /// <summary>The body of a <c>define</c> block in _helpers.tpl.</summary>
    public string Define(string name)
    {
        var text = Templates["_helpers.tpl"];
        var start = text.IndexOf($"{{{{- define \"{name}\" -}}}}", StringComparison.Ordinal);
        Assert.True(start >= 0, $"_helpers.tpl defines no \"{name}\"");
        var bodyStart = text.IndexOf('\n', start) + 1;
        var depth = 1;
        var position = bodyStart;
        foreach (Match action in BlockAction().Matches(text[bodyStart..]))
        {
            depth += action.Groups[1].Value == "end" ? -1 : 1;
            if (depth == 0)
            {
                position = bodyStart + action.Index;
                break;
            }
        }
        return text[bodyStart..position];
    }

    public static YamlMappingNode ParseMapping(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Assert.IsType<YamlMappingNode>(stream.Documents.Single().RootNode);
    }

    private static YamlMappingNode LoadMapping(string path) => ParseMapping(File.ReadAllText(path));

    private static string SkipComments(string template) => TemplateComment().Replace(template, "");

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex(@"^\s*(\{\{.*?\}\}\s*)+$")]
    private static partial Regex OnlyActions();

    [GeneratedRegex(@"(\{\{.*?\}\})+")]
    private static partial Regex Actions();

    [GeneratedRegex(@"\{\{-?\s*/\*.*?\*/\s*-?\}\}", RegexOptions.Singleline)]
    private static partial Regex TemplateComment();

    [GeneratedRegex(@"\{\{-?\s*(if|with|range|define|end)\b")]
    private static partial Regex BlockAction();

    [GeneratedRegex(@"^[ \t]*\{\{-?\s*include\s+""([\w.]+)""\s+\.\s*\|\s*nindent\s+(\d+)\s*-?\}\}[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex IncludeLine();

    /// <summary>Pipes that change how a value is printed, not which value it is.</summary>
    [GeneratedRegex(@"\|\s*(quote|int64|int|toString)\b\s*")]
    private static partial Regex Pipes();

    [GeneratedRegex(@"[^A-Za-z0-9]+")]
    private static partial Regex NotWord();
}
