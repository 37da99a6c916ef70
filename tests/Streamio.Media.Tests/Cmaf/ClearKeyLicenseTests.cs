using System.Text;
using System.Text.Json;
using Streamio.Media.Cmaf;

namespace Streamio.Media.Tests.Cmaf;

public sealed class ClearKeyLicenseTests
{
    [Fact]
    public void A_w3c_request_gives_its_kids_and_type()
    {
        var (request, error) = ClearKeyLicense.Parse("{\"kids\":[\"ABEiM0RVZneImaq7zN3u_w\",\"ASNFZ4mrze8BI0VniavN7w\"],\"type\":\"temporary\"}"u8);
        Assert.Null(error);
        Assert.Equal(["00112233445566778899AABBCCDDEEFF", "0123456789ABCDEF0123456789ABCDEF"], request!.KeyIds.Select(Convert.ToHexString));
        Assert.Equal("temporary", request.Type);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"kids\":[]}")]
    [InlineData("{\"kids\":\"ABEiM0RVZneImaq7zN3u_w\"}")]
    [InlineData("{\"kids\":[42]}")]
    [InlineData("{\"kids\":[\"ABEiM0RVZneI\"]}")]
    [InlineData("{\"kids\":[\"AB+iM0RVZneImaq7zN3u/w\"]}")]
    public void A_malformed_request_is_refused_with_what_to_send(string json)
    {
        var (request, error) = ClearKeyLicense.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(request);
        Assert.Contains("kid", error!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_answer_is_a_json_web_key_set_of_oct_keys_in_base64url()
    {
        var key = new CencKey(Convert.FromHexString("00112233445566778899aabbccddeeff"), Convert.FromHexString("fbfbfbfbfbfbfbfbfbfbfbfbfbfbfbfb"));
        using var answer = JsonDocument.Parse(ClearKeyLicense.Render([key]));
        var jwk = Assert.Single(answer.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("oct", jwk.GetProperty("kty").GetString());
        Assert.Equal("ABEiM0RVZneImaq7zN3u_w", jwk.GetProperty("kid").GetString());
        Assert.Equal("-_v7-_v7-_v7-_v7-_v7-w", jwk.GetProperty("k").GetString());
        Assert.Equal("temporary", answer.RootElement.GetProperty("type").GetString());
        Assert.Equal(key.Key, Base64Url.TryDecode(jwk.GetProperty("k").GetString()!));
    }
}
