using System.Reflection;
using System.Text.RegularExpressions;

namespace Streamio.Host.Tests;

/// <summary>The layout the code promises: one-way dependencies between namespaces, domain libraries without ASP.NET Core.</summary>
public sealed partial class ArchitectureTests
{
    [Theory]
    [InlineData(typeof(global::Streamio.Abstractions.Videos.IVideoGrain))]
    [InlineData(typeof(global::Streamio.Grains.Videos.VideoGrain))]
    [InlineData(typeof(global::Streamio.Media.SegmentCipher))]
    [InlineData(typeof(global::Streamio.Storage.StorageKeys))]
    [InlineData(typeof(global::Streamio.Cluster.StreamioSchema))]
    [InlineData(typeof(global::Streamio.Ingest.IngestSession))]
    public void Domain_libraries_do_not_reference_ASP_NET_Core(Type inLibrary)
    {
        var references = inLibrary.Assembly.GetReferencedAssemblies().Select(reference => reference.Name!).ToList();
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    /// <summary>
    /// Reads src/: a namespace depends on another when one of its files names a type declared there (through a using
    /// directive, or a parent namespace's type used unqualified). The graph must have no cycle.
    /// </summary>
    [Fact]
    public void Namespaces_depend_on_each_other_one_way_only()
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                           && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(path => File.ReadAllText(path))
            .Select(text => (Namespace: NamespaceDeclaration().Match(text).Groups[1].Value, Text: text))
            .Where(file => file.Namespace.Length > 0)
            .ToList();
        var types = files.SelectMany(file => TypeDeclaration().Matches(file.Text).Select(match => (file.Namespace, Type: match.Groups[1].Value)))
            .GroupBy(declared => declared.Namespace).ToDictionary(group => group.Key, group => group.Select(declared => declared.Type).ToHashSet());
        var edges = new Dictionary<string, HashSet<string>>();
        foreach (var (ns, text) in files)
        {
            var parents = Enumerable.Range(1, ns.Count(c => c == '.')).Select(depth => string.Join('.', ns.Split('.').Take(depth)));
            var used = UsingDirective().Matches(text).Select(match => match.Groups[1].Value).Concat(parents);
            foreach (var other in used.Where(other => other != ns && types.ContainsKey(other)))
            {
                if (types[other].Any(type => Regex.IsMatch(text, $@"\b{type}\b")))
                {
                    (edges.TryGetValue(ns, out var set) ? set : edges[ns] = []).Add(other);
                }
            }
        }
        Assert.Empty(Cycles(edges));
    }

    private static List<string> Cycles(Dictionary<string, HashSet<string>> edges)
    {
        var cycles = new List<string>();
        var state = new Dictionary<string, int>();
        var path = new Stack<string>();
        void Visit(string node)
        {
            state[node] = 1;
            path.Push(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    cycles.Add(string.Join(" → ", path.Reverse().SkipWhile(step => step != next).Append(next)));
                }
                else if (state.GetValueOrDefault(next) == 0)
                {
                    Visit(next);
                }
            }
            path.Pop();
            state[node] = 2;
        }
        foreach (var node in edges.Keys.Where(node => state.GetValueOrDefault(node) == 0).ToList())
        {
            Visit(node);
        }
        return cycles;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Streamio.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("Streamio.sln not found above the test's folder.");
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^using\s+(Streamio[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^(?:public|internal) (?:static |sealed |abstract |readonly )*(?:partial )?(?:class|record|enum|interface|struct)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}
