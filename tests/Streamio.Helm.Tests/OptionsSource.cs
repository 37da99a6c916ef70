using System.Text.RegularExpressions;

namespace Streamio.Helm.Tests;

/// <summary>
/// An options class read from its source file (the test project references no Streamio project): the configuration
/// section it is bound from (its <c>const string</c> "Streamio:…") and each settable property with its initial value.
/// </summary>
public sealed partial class OptionsSource
{
    private OptionsSource(string section, IReadOnlyDictionary<string, string?> defaults)
    {
        Section = section;
        Defaults = defaults;
    }

    public string Section { get; }

    /// <summary>Property name → the initialiser as written (<c>1935</c>, <c>true</c>, <c>"0.0.0.0"</c>), or null when it has none.</summary>
    public IReadOnlyDictionary<string, string?> Defaults { get; }

    /// <summary>Every configuration key the class binds: Section:Property.</summary>
    public IEnumerable<string> Keys => Defaults.Keys.Select(property => $"{Section}:{property}");

    /// <summary>Reads src/…/X.cs (a path from the repository root).</summary>
    public static OptionsSource Read(string path)
    {
        var text = File.ReadAllText(Path.Combine(HelmChart.RepositoryRoot(), path));
        var section = Assert.Single(SectionConstant().Matches(text)).Groups[1].Value;
        var defaults = Property().Matches(text).ToDictionary(
            match => match.Groups[1].Value,
            match => match.Groups[2].Success ? match.Groups[2].Value.Trim() : null,
            StringComparer.Ordinal);
        Assert.NotEmpty(defaults);
        return new OptionsSource(section, defaults);
    }

    [GeneratedRegex(@"const string \w+ = ""(Streamio:[^""]+)"";")]
    private static partial Regex SectionConstant();

    [GeneratedRegex(@"public [\w<>?\[\], ]+? (\w+) \{ get; set; \}(?: = ([^;]+);)?")]
    private static partial Regex Property();
}
