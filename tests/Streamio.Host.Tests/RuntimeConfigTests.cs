using System.Text.Json;

namespace Streamio.Host.Tests;

public sealed class RuntimeConfigTests
{
    [Fact]
    public void The_host_runs_with_thread_pool_workers_that_block_instead_of_spinning()
    {
        // Streamio.Host's own runtimeconfig.json, built beside this test's binaries from the host project.
        var path = Path.Combine(AppContext.BaseDirectory, "Streamio.Host.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));

        var options = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        // Spinning idle workers took about a fifth of the node's own CPU on a 2-core VM, from the encodes beside it.
        Assert.Equal(0, options.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
