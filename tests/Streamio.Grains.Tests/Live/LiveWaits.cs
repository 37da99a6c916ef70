using Streamio.Abstractions.Live;

namespace Streamio.Grains.Tests.Live;

/// <summary>Polls a live stream until it gets where a test expects it, with a generous limit.</summary>
internal static class LiveWaits
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public static async Task<LiveStreamView> ForAsync(ILiveStreamGrain stream, Func<LiveStreamView, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            var view = await stream.GetAsync();
            if (view is not null && condition(view))
            {
                return view;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The live stream never got there; last seen: {view}");
            }
            await Task.Delay(100);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the condition never held");
            await Task.Delay(100);
        }
    }
}
