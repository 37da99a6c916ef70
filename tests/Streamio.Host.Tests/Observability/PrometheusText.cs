using System.Globalization;
using System.Text.RegularExpressions;

namespace Streamio.Host.Tests.Observability;

/// <summary>Reads the Prometheus text exposition format: one sample a line, <c>name{label="value",…} number</c>.</summary>
public static partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public static List<Sample> Parse(string text) =>
        text.Split('\n').Select(line => SampleLine().Match(line)).Where(match => match.Success)
            .Select(match => new Sample(
                match.Groups["name"].Value,
                LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(pair => pair.Groups[1].Value, pair => pair.Groups[2].Value),
                double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>The sum of a metric's samples whose labels include <paramref name="labels"/>; 0 when it has none yet.</summary>
    public static double Sum(string text, string name, params (string Label, string Value)[] labels) =>
        Parse(text).Where(sample => sample.Name == name && labels.All(label => sample.Labels.GetValueOrDefault(label.Label) == label.Value))
            .Sum(sample => sample.Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(\w+)="((?:[^"\\]|\\.)*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex LabelPair();
}
