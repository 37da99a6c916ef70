namespace Streamio.Cluster.Tests.Grains;

public interface IWhereGrain : IGrainWithIntegerKey
{
    /// <summary>The identity of the silo the activation runs on.</summary>
    Task<string> Silo();
}

public sealed class WhereGrain : Grain, IWhereGrain
{
    public Task<string> Silo() => Task.FromResult(RuntimeIdentity);
}
