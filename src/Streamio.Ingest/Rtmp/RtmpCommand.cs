namespace Streamio.Ingest.Rtmp;

/// <summary>
/// A command message (RTMP specification, section 7.2): its name, transaction id, command object and the arguments
/// after it, decoded from AMF0 (an AMF3 command message starts with one byte to skip, then AMF0).
/// </summary>
internal sealed record RtmpCommand(string Name, double TransactionId, Amf0Properties? CommandObject, IReadOnlyList<object?> Arguments)
{
    public static RtmpCommand Parse(RtmpMessage message)
    {
        var body = message.Type == RtmpMessageType.CommandAmf3 && message.Payload.Length > 0
            ? message.Payload.AsSpan(1)
            : message.Payload.AsSpan();
        var values = Amf0Reader.ReadAll(body);
        if (values is not [string name, double transactionId, ..])
        {
            throw new RtmpProtocolException("A command message does not start with a name and a transaction id.");
        }

        return new RtmpCommand(name, transactionId, values.Count > 2 ? values[2] as Amf0Properties : null, values.Skip(3).ToList());
    }

    /// <summary>The argument at <paramref name="index"/> (after the command object) when it is a string.</summary>
    public string? StringArgument(int index) => index < Arguments.Count ? Arguments[index] as string : null;

    public static RtmpMessage Encode(uint streamId, string name, double transactionId, params object?[] values) =>
        new(RtmpMessageType.CommandAmf0, streamId, 0, Amf0Writer.Encode([name, transactionId, .. values]));
}

/// <summary>The command answers a server sends: connect's result, a stream's status, plain results and errors.</summary>
internal static class RtmpReplies
{
    public const string StatusLevel = "status";
    public const string ErrorLevel = "error";

    public static RtmpMessage ConnectSuccess(double transactionId) => RtmpCommand.Encode(
        0,
        "_result",
        transactionId,
        new Amf0Object { { "fmsVer", "FMS/3,0,1,123" }, { "capabilities", 31.0 } },
        new Amf0Object
        {
            { "level", StatusLevel },
            { "code", "NetConnection.Connect.Success" },
            { "description", "Connection succeeded." },
            { "objectEncoding", 0.0 },
        });

    public static RtmpMessage ConnectRejected(double transactionId, string description) => RtmpCommand.Encode(
        0,
        "_error",
        transactionId,
        null,
        new Amf0Object { { "level", ErrorLevel }, { "code", "NetConnection.Connect.Rejected" }, { "description", description } });

    /// <summary><c>_result</c> with a null command object and one value (a stream id, or undefined).</summary>
    public static RtmpMessage Result(double transactionId, object? value) => RtmpCommand.Encode(0, "_result", transactionId, null, value);

    public static RtmpMessage OnStatus(uint streamId, string level, string code, string description) => RtmpCommand.Encode(
        streamId,
        "onStatus",
        0,
        null,
        new Amf0Object { { "level", level }, { "code", code }, { "description", description } });
}
