namespace Streamio.Host.Tests.Observability;

/// <summary>One span as OTLP carries it: ids as hex (an empty parent for a root), its scope, and its attributes.</summary>
public sealed record ReceivedSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, string Scope,
    IReadOnlyDictionary<string, object> Attributes, int StatusCode)
{
    public bool IsRoot => ParentSpanId.Length == 0;

    public object? Attribute(string key) => Attributes.GetValueOrDefault(key);
}

/// <summary>
/// Reads an OTLP/HTTP <c>ExportTraceServiceRequest</c> (opentelemetry/proto/collector/trace/v1): resource_spans (1)
/// → scope_spans (2) → scope (1: name) and spans (2). Span: trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6,
/// attributes 9 (KeyValue: key 1, AnyValue 2), status 15 (code 3). AnyValue: string 1, bool 2, int 3, double 4.
/// </summary>
public static class OtlpTraces
{
    public static List<ReceivedSpan> Read(ReadOnlySpan<byte> request)
    {
        var spans = new List<ReceivedSpan>();
        var reader = new ProtobufReader(request);
        while (reader.Next(out var field, out var type))
        {
            if (field == 1 && type == ProtobufReader.WireType.LengthDelimited)
            {
                ReadResourceSpans(reader.ReadBytes(), spans);
            }
            else
            {
                reader.Skip(type);
            }
        }
        return spans;
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> message, List<ReceivedSpan> spans)
    {
        var reader = new ProtobufReader(message);
        while (reader.Next(out var field, out var type))
        {
            if (field == 2 && type == ProtobufReader.WireType.LengthDelimited)
            {
                ReadScopeSpans(reader.ReadBytes(), spans);
            }
            else
            {
                reader.Skip(type);
            }
        }
    }

    private static void ReadScopeSpans(ReadOnlySpan<byte> message, List<ReceivedSpan> spans)
    {
        var scope = "";
        var bodies = new List<byte[]>();
        var reader = new ProtobufReader(message);
        while (reader.Next(out var field, out var type))
        {
            switch (field)
            {
                case 1 when type == ProtobufReader.WireType.LengthDelimited:
                    scope = ReadScopeName(reader.ReadBytes());
                    break;
                case 2 when type == ProtobufReader.WireType.LengthDelimited:
                    bodies.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }
        spans.AddRange(bodies.Select(body => ReadSpan(body, scope)));
    }

    private static string ReadScopeName(ReadOnlySpan<byte> message)
    {
        var reader = new ProtobufReader(message);
        while (reader.Next(out var field, out var type))
        {
            if (field == 1 && type == ProtobufReader.WireType.LengthDelimited)
            {
                return reader.ReadString();
            }
            reader.Skip(type);
        }
        return "";
    }

    private static ReceivedSpan ReadSpan(ReadOnlySpan<byte> message, string scope)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        int kind = 0, status = 0;
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        var reader = new ProtobufReader(message);
        while (reader.Next(out var field, out var type))
        {
            switch (field)
            {
                case 1 when type == ProtobufReader.WireType.LengthDelimited:
                    traceId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 2 when type == ProtobufReader.WireType.LengthDelimited:
                    spanId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 4 when type == ProtobufReader.WireType.LengthDelimited:
                    parent = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 5 when type == ProtobufReader.WireType.LengthDelimited:
                    name = reader.ReadString();
                    break;
                case 6 when type == ProtobufReader.WireType.Varint:
                    kind = (int)reader.ReadVarint();
                    break;
                case 9 when type == ProtobufReader.WireType.LengthDelimited:
                    var (key, value) = ReadKeyValue(reader.ReadBytes());
                    if (value is not null)
                    {
                        attributes[key] = value;
                    }
                    break;
                case 15 when type == ProtobufReader.WireType.LengthDelimited:
                    status = ReadStatusCode(reader.ReadBytes());
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }
        return new ReceivedSpan(traceId, spanId, parent, name, kind, scope, attributes, status);
    }

    private static (string Key, object? Value) ReadKeyValue(ReadOnlySpan<byte> message)
    {
        string key = "";
        object? value = null;
        var reader = new ProtobufReader(message);
        while (reader.Next(out var field, out var type))
        {
            if (field == 1 && type == ProtobufReader.WireType.LengthDelimited)
            {
                key = reader.ReadString();
            }
            else if (field == 2 && type == ProtobufReader.WireType.LengthDelimited)
            {
                value = ReadAnyValue(reader.ReadBytes());
            }
            else
            {
                reader.Skip(type);
            }
        }
        return (key, value);
    }

    private static object? ReadAnyValue(ReadOnlySpan<byte> message)
    {
        var reader = new ProtobufReader(message);
        while (reader.Next(out var field, out var type))
        {
            switch (field)
            {
                case 1 when type == ProtobufReader.WireType.LengthDelimited:
                    return reader.ReadString();
                case 2 when type == ProtobufReader.WireType.Varint:
                    return reader.ReadVarint() != 0;
                case 3 when type == ProtobufReader.WireType.Varint:
                    return (long)reader.ReadVarint();
                case 4 when type == ProtobufReader.WireType.Fixed64:
                    return reader.ReadDouble();
                default:
                    reader.Skip(type);
                    break;
            }
        }
        return null;
    }

    private static int ReadStatusCode(ReadOnlySpan<byte> message)
    {
        var reader = new ProtobufReader(message);
        while (reader.Next(out var field, out var type))
        {
            if (field == 3 && type == ProtobufReader.WireType.Varint)
            {
                return (int)reader.ReadVarint();
            }
            reader.Skip(type);
        }
        return 0;
    }
}
