namespace Streamio.Ingest.Rtmp;

/// <summary>
/// AMF0 values as .NET values: number → <see cref="double"/>, boolean → <see cref="bool"/>, string and long string →
/// <see cref="string"/>, null → <c>null</c>, undefined → <see cref="Amf0Undefined"/>, object → <see cref="Amf0Object"/>,
/// ECMA array → <see cref="Amf0EcmaArray"/>, strict array → <see cref="Amf0StrictArray"/>, date → <see cref="DateTimeOffset"/>.
/// </summary>
internal enum Amf0Marker : byte
{
    Number = 0x00,
    Boolean = 0x01,
    String = 0x02,
    Object = 0x03,
    Null = 0x05,
    Undefined = 0x06,
    EcmaArray = 0x08,
    ObjectEnd = 0x09,
    StrictArray = 0x0A,
    Date = 0x0B,
    LongString = 0x0C,
}

/// <summary>AMF0's "undefined", distinct from null.</summary>
internal sealed class Amf0Undefined
{
    public static readonly Amf0Undefined Value = new();

    private Amf0Undefined()
    {
    }

    public override string ToString() => "undefined";
}

/// <summary>Named properties in the order they were written (AMF0 objects and ECMA arrays keep order on the wire).</summary>
internal class Amf0Properties : List<KeyValuePair<string, object?>>
{
    public Amf0Properties()
    {
    }

    public Amf0Properties(IEnumerable<KeyValuePair<string, object?>> properties)
        : base(properties)
    {
    }

    /// <summary>The first property of that name, or null.</summary>
    public object? this[string name] => Find(p => p.Key == name).Value;

    public void Add(string name, object? value) => Add(new KeyValuePair<string, object?>(name, value));

    public string? GetString(string name) => this[name] as string;
}

/// <summary>An anonymous AMF0 object (marker 0x03).</summary>
internal sealed class Amf0Object : Amf0Properties
{
}

/// <summary>An AMF0 ECMA array (marker 0x08): properties with an associative-count hint.</summary>
internal sealed class Amf0EcmaArray : Amf0Properties
{
}

/// <summary>An AMF0 strict array (marker 0x0A): values by index.</summary>
internal sealed class Amf0StrictArray : List<object?>
{
    public Amf0StrictArray()
    {
    }

    public Amf0StrictArray(IEnumerable<object?> values)
        : base(values)
    {
    }
}
