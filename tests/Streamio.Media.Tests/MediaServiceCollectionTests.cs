using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Streamio.Media.Tests;

public sealed class MediaServiceCollectionTests
{
    [Fact]
    public void Registers_the_media_services_with_options_bound_from_streamio_ffmpeg()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Streamio:Ffmpeg:Preset"] = "medium",
                ["Streamio:Ffmpeg:MaxStreams"] = "4",
                ["Streamio:Ffmpeg:ProbeTimeout"] = "00:00:07",
            })
            .Build();
        using var provider = new ServiceCollection().AddLogging().AddStreamioMedia(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<FfmpegOptions>>().Value;

        Assert.Equal(("medium", 4, TimeSpan.FromSeconds(7)), (options.Preset, options.MaxStreams, options.ProbeTimeout));
        Assert.Equal("ffmpeg", options.FfmpegPath);
        Assert.IsType<FfmpegEncoder>(provider.GetRequiredService<IMediaEncoder>());
        Assert.IsType<FfprobeProber>(provider.GetRequiredService<IMediaProber>());
    }

    [Fact]
    public void Task_timeouts_scale_with_the_media_above_a_floor()
    {
        var options = new FfmpegOptions();

        Assert.Equal(TimeSpan.FromMinutes(2), options.TaskTimeoutFor(4));
        Assert.Equal(TimeSpan.FromMinutes(10), options.TaskTimeoutFor(60));
    }
}
