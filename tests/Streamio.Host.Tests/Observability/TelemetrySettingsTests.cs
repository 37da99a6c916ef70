using Streamio.Host.Telemetry;

namespace Streamio.Host.Tests.Observability;

/// <summary>Telemetry settings: a bad value stops the node at start-up with a message naming the key.</summary>
public sealed class TelemetrySettingsTests
{
    [Theory]
    [InlineData("OtlpEndpoint", "collector:4318", "Streamio:Telemetry:OtlpEndpoint")]
    [InlineData("PrometheusPort", "70000", "Streamio:Telemetry:PrometheusPort")]
    public async Task A_bad_setting_stops_the_node_and_names_the_key(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StreamioNode.StartAsync(settings => settings[$"Streamio:Telemetry:{key}"] = value));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Streamios_endpoint_wins_over_the_standard_variable_which_is_used_without_it()
    {
        var environment = new Dictionary<string, string?> { [TelemetryOptions.StandardOtlpEndpointVariable] = "http://standard:4318" };

        Assert.Equal("http://mine:4318", new TelemetryOptions { OtlpEndpoint = "http://mine:4318" }.EffectiveOtlpEndpoint(environment.GetValueOrDefault));
        Assert.Equal("http://standard:4318", new TelemetryOptions().EffectiveOtlpEndpoint(environment.GetValueOrDefault));
        Assert.Null(new TelemetryOptions().EffectiveOtlpEndpoint(_ => null));
    }
}
