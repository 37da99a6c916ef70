using Streamio.Ingest.Rtmp;

namespace Streamio.Ingest.Tests.Rtmp;

public sealed class RtmpAmf0Tests
{
    [Fact]
    public void Numbers_booleans_strings_null_and_undefined_have_their_wire_bytes()
    {
        Assert.Equal(Convert.FromHexString("003FF0000000000000"), Amf0Writer.Encode(1.0));
        Assert.Equal(Convert.FromHexString("0101"), Amf0Writer.Encode(true));
        Assert.Equal(Convert.FromHexString("0100"), Amf0Writer.Encode(false));
        Assert.Equal(Convert.FromHexString("0200026162"), Amf0Writer.Encode("ab"));
        Assert.Equal(Convert.FromHexString("05"), Amf0Writer.Encode([null]));
        Assert.Equal(Convert.FromHexString("06"), Amf0Writer.Encode(Amf0Undefined.Value));
    }

    [Fact]
    public void An_object_ends_with_an_empty_name_and_the_object_end_marker()
    {
        var bytes = Amf0Writer.Encode(new Amf0Object { { "a", 2.0 } });

        Assert.Equal(Convert.FromHexString("03" + "000161" + "004000000000000000" + "000009"), bytes);
    }

    [Fact]
    public void A_connect_command_decodes_in_order_with_its_nested_values()
    {
        var bytes = Amf0Writer.Encode(
            "connect",
            1.0,
            new Amf0Object
            {
                { "app", "live" },
                { "tcUrl", "rtmp://127.0.0.1/live" },
                { "fpad", false },
                { "nested", new Amf0Object { { "deep", new Amf0StrictArray([1.0, "two", null, Amf0Undefined.Value]) } } },
            },
            null,
            new Amf0EcmaArray { { "duration", 0.0 }, { "encoder", "Lavf" } });

        var values = Amf0Reader.ReadAll(bytes);

        Assert.Equal(5, values.Count);
        Assert.Equal("connect", values[0]);
        Assert.Equal(1.0, values[1]);
        var command = Assert.IsType<Amf0Object>(values[2]);
        Assert.Equal(["app", "tcUrl", "fpad", "nested"], command.Select(p => p.Key));
        Assert.Equal("live", command.GetString("app"));
        Assert.Equal(false, command["fpad"]);
        var deep = Assert.IsType<Amf0StrictArray>(Assert.IsType<Amf0Object>(command["nested"])["deep"]);
        Assert.Equal([1.0, "two", null, Amf0Undefined.Value], deep);
        Assert.Null(values[3]);
        var metadata = Assert.IsType<Amf0EcmaArray>(values[4]);
        Assert.Equal("Lavf", metadata.GetString("encoder"));
    }

    [Fact]
    public void A_string_over_65535_bytes_is_written_and_read_as_a_long_string()
    {
        var text = new string('x', 70_000);

        var bytes = Amf0Writer.Encode(text);

        Assert.Equal((byte)Amf0Marker.LongString, bytes[0]);
        Assert.Equal(text, Assert.Single(Amf0Reader.ReadAll(bytes)));
    }

    [Fact]
    public void An_ecma_array_is_read_to_its_end_marker_whatever_count_it_claims()
    {
        // Count 5, one property: encoders get the count wrong, the end marker decides.
        var bytes = Convert.FromHexString("08" + "00000005" + "000161" + "0101" + "000009" + "0101");

        var values = Amf0Reader.ReadAll(bytes);

        Assert.Equal(true, Assert.IsType<Amf0EcmaArray>(values[0])["a"]);
        Assert.Equal(true, values[1]);
    }

    [Fact]
    public void Dates_round_trip_to_the_millisecond()
    {
        var date = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

        Assert.Equal(date, Assert.Single(Amf0Reader.ReadAll(Amf0Writer.Encode(date))));
    }

    [Theory]
    [InlineData("003FF0", "ends")] // a number cut short
    [InlineData("020005616263", "ends")] // a string shorter than its length
    [InlineData("0300016101", "ends")] // an object without its end
    [InlineData("0A00FFFFFF05", "strict array")] // a strict array claiming more values than there are bytes
    [InlineData("07", "not supported")] // a reference: not used by RTMP publishers
    [InlineData("09", "outside an object")]
    public void Malformed_amf0_fails_with_a_reason(string hex, string reason)
    {
        var error = Assert.Throws<RtmpProtocolException>(() => Amf0Reader.ReadAll(Convert.FromHexString(hex)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_past_the_limit_is_refused_instead_of_overflowing_the_stack()
    {
        // 10,000 strict arrays of one element each, nested.
        var bytes = Enumerable.Repeat(Convert.FromHexString("0A00000001"), 10_000).SelectMany(b => b).Append((byte)0x05).ToArray();

        var error = Assert.Throws<RtmpProtocolException>(() => Amf0Reader.ReadAll(bytes));

        Assert.Contains("nested", error.Message, StringComparison.Ordinal);
    }
}
