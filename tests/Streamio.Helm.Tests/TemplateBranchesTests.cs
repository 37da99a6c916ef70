using YamlDotNet.RepresentationModel;

namespace Streamio.Helm.Tests;

/// <summary>The branch selection the chart checks rely on picks what helm would, and leaves alone what it cannot evaluate.</summary>
public sealed class TemplateBranchesTests
{
    private static readonly YamlMappingNode Values = HelmChart.ParseMapping("""
        on: true
        off: false
        zero: 0
        quotedZero: "0"
        empty: ""
        emptyMap: {}
        name: worker
        nested: { on: true }
        """);

    private static readonly TemplateBranches Branches = new(path => HelmChart.At(Values, path));

    [Theory]
    [InlineData(".Values.on", true)]
    [InlineData(".Values.off", false)]
    [InlineData(".Values.zero", false)]
    [InlineData(".Values.quotedZero", true)]
    [InlineData(".Values.empty", false)]
    [InlineData(".Values.emptyMap", false)]
    [InlineData(".Values.missing.entirely", false)]
    [InlineData(".Values.nested.on", true)]
    [InlineData("not .Values.off", true)]
    [InlineData("and .Values.on (not .Values.off)", true)]
    [InlineData("and .Values.on .Values.zero", false)]
    [InlineData("or .Values.off (and .Values.on .Values.nested.on)", true)]
    [InlineData("eq .Values.name \"worker\"", true)]
    [InlineData("ne (.Values.name) \"worker\"", false)]
    public void Conditions_on_values_are_evaluated_with_helms_truth(string condition, bool expected)
    {
        Assert.Equal(expected, Branches.Evaluate(condition));
    }

    [Theory]
    [InlineData("include \"streamio.x\" .")]
    [InlineData("has .Values.name (list \"a\")")]
    [InlineData("and .Values.on (toString .Values.name)")]
    public void Conditions_on_anything_else_are_unknown(string condition)
    {
        Assert.Null(Branches.Evaluate(condition));
    }

    [Fact]
    public void Only_the_selected_branches_remain_and_unknown_blocks_keep_every_line()
    {
        var template = """
            a: 1
            {{- if .Values.on }}
            b: 2
            {{- if .Values.off }}
            c: 3
            {{- else if .Values.nested.on }}
            d: 4
            {{- else }}
            e: 5
            {{- end }}
            {{- else }}
            f: 6
            {{- end }}
            {{- with .Values.name }}
            g: {{ . }}
            {{- end }}
            {{- if include "x" . }}
            h: 8
            {{- else }}
            i: 9
            {{- end }}
            j: {{ if .Values.off }}yes{{ else }}no{{ end }}
            k: {{ if include "x" . }}yes{{ else }}no{{ end }}
            """;

        var kept = Branches.Select(template).Split('\n').Select(line => line.Trim()).ToList();

        Assert.Equal(
            ["a: 1", "b: 2", "d: 4", "{{- with .Values.name }}", "g: {{ . }}", "{{- end }}", "{{- if include \"x\" . }}", "h: 8", "{{- else }}", "i: 9", "{{- end }}",
             "j: no", "k: {{ if include \"x\" . }}yes{{ else }}no{{ end }}"],
            kept);
    }
}
