using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Streamio.Helm.Tests;

/// <summary>
/// Keeps the lines of a template that a given set of values selects, as helm would: for each line that is only
/// <c>{{- if X }}</c>, <c>{{- else if X }}</c>, <c>{{- else }}</c> or <c>{{- end }}</c>, the condition X is evaluated when
/// it reads values alone (<c>.Values.a.b</c>, <c>not</c>, <c>and</c>, <c>or</c>, <c>eq</c>, <c>ne</c>, string literals,
/// parentheses) and the branches it rules out are dropped. Any other block (with, range, an if on something else) keeps
/// all of its lines, as <see cref="HelmChart.Skeleton"/> does. Truth is helm's: false, 0, null, "" and empty maps or lists
/// are false.
/// </summary>
public sealed partial class TemplateBranches(Func<string, YamlNode?> value)
{
    public string Select(string template)
    {
        var frames = new Stack<Frame>();
        var kept = new List<string>();
        foreach (var line in template.Split('\n').Select(SelectInline))
        {
            var action = BlockLine().Match(line);
            if (!action.Success)
            {
                if (frames.All(frame => frame.Active))
                {
                    kept.Add(line);
                }
                continue;
            }
            var (keyword, argument) = (action.Groups[1].Value, action.Groups[2].Value.Trim());
            if (keyword is "if" or "with" or "range" or "define")
            {
                var known = keyword == "if" ? Evaluate(argument) : null;
                frames.Push(known is { } taken ? new Frame(Known: true, Active: taken, AnyTaken: taken) : Frame.Unknown);
                if (known is null && frames.Skip(1).All(frame => frame.Active))
                {
                    kept.Add(line);
                }
                continue;
            }
            var current = frames.Pop();
            if (keyword == "end")
            {
                if (!current.Known && frames.All(frame => frame.Active))
                {
                    kept.Add(line);
                }
                continue;
            }
            if (!current.Known)
            {
                frames.Push(current);
                if (frames.All(frame => frame.Active))
                {
                    kept.Add(line);
                }
                continue;
            }
            // else / else if of an if whose condition was known.
            var branch = current.AnyTaken ? false : argument.Length == 0 ? true : Evaluate(argument["if".Length..].Trim());
            if (branch is null)
            {
                throw new NotSupportedException($"an else-if this check cannot evaluate after one it could: {line.Trim()}");
            }
            frames.Push(new Frame(Known: true, Active: branch.Value, AnyTaken: current.AnyTaken || branch.Value));
        }
        Assert.True(frames.Count == 0, "a block is not closed");
        return string.Join('\n', kept);
    }

    /// <summary>A one-line <c>{{ if X }}A{{ else }}B{{ end }}</c> becomes A or B when X can be evaluated.</summary>
    private string SelectInline(string line) =>
        InlineIf().Replace(line, match => Evaluate(match.Groups[1].Value) switch
        {
            true => match.Groups[2].Value,
            false => match.Groups[3].Value,
            null => match.Value,
        });

    /// <summary>True or false when the condition reads only values; null when it does anything else.</summary>
    public bool? Evaluate(string condition)
    {
        var tokens = Token().Matches(condition).Select(match => match.Value).ToList();
        var position = 0;
        try
        {
            var expression = Parse(tokens, ref position);
            return position == tokens.Count ? Truthy(Compute(expression)) : null;
        }
        catch (UnknownExpression)
        {
            return null;
        }
    }

    private static List<object> Parse(List<string> tokens, ref int position)
    {
        var items = new List<object>();
        while (position < tokens.Count && tokens[position] != ")")
        {
            if (tokens[position++] is "(")
            {
                items.Add(Parse(tokens, ref position));
                if (position >= tokens.Count)
                {
                    throw new UnknownExpression();
                }
                position++;
            }
            else
            {
                items.Add(tokens[position - 1]);
            }
        }
        return items;
    }

    private object? Compute(object expression)
    {
        if (expression is string token)
        {
            return token switch
            {
                _ when token.StartsWith(".Values.", StringComparison.Ordinal) => value(token[".Values.".Length..]),
                _ when token.Length >= 2 && token[0] == '"' && token[^1] == '"' => token[1..^1],
                "true" => true,
                "false" => false,
                _ => throw new UnknownExpression(),
            };
        }
        var items = (List<object>)expression;
        if (items.Count == 1)
        {
            return Compute(items[0]);
        }
        var arguments = items.Skip(1).Select(Compute).ToList();
        return items[0] switch
        {
            "not" when arguments.Count == 1 => !Truthy(arguments[0]),
            "and" => arguments.All(Truthy),
            "or" => arguments.Any(Truthy),
            "eq" when arguments.Count == 2 => Text(arguments[0]) == Text(arguments[1]),
            "ne" when arguments.Count == 2 => Text(arguments[0]) != Text(arguments[1]),
            _ => throw new UnknownExpression(),
        };
    }

    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool flag => flag,
        string text => text.Length > 0,
        YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } quoted => quoted.Value is { Length: > 0 },
        YamlScalarNode plain => plain.Value is not (null or "" or "~" or "null" or "false" or "0"),
        YamlMappingNode mapping => mapping.Children.Count > 0,
        YamlSequenceNode sequence => sequence.Children.Count > 0,
        _ => throw new UnknownExpression(),
    };

    private static string? Text(object? value) => value switch
    {
        YamlScalarNode scalar => scalar.Value,
        bool flag => flag ? "true" : "false",
        string text => text,
        _ => throw new UnknownExpression(),
    };

    private sealed record Frame(bool Known, bool Active, bool AnyTaken)
    {
        public static readonly Frame Unknown = new(Known: false, Active: true, AnyTaken: false);
    }

    private sealed class UnknownExpression : Exception;

    /// <summary>A line that is one block action: keyword, then its argument (which never contains "}}").</summary>
    [GeneratedRegex(@"^\s*\{\{-?\s*(if|else|end|with|range|define)\b((?:(?!\}\}).)*?)\s*-?\}\}\s*$")]
    private static partial Regex BlockLine();

    /// <summary>A one-line if/else/end with no other block inside either branch.</summary>
    [GeneratedRegex(@"\{\{-?\s*if\s((?:(?!\}\}).)*?)\s*-?\}\}((?:(?!\{\{-?\s*(?:if|else|end)\b).)*)\{\{-?\s*else\s*-?\}\}((?:(?!\{\{-?\s*(?:if|else|end)\b).)*)\{\{-?\s*end\s*-?\}\}")]
    private static partial Regex InlineIf();

    [GeneratedRegex(@"\(|\)|""[^""]*""|[^\s()]+")]
    private static partial Regex Token();
}
