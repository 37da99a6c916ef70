namespace Streamio.Grains;

/// <summary>
/// Whether a silo that held a grain's work is gone, as this silo's membership view says. Kept per activation: a silo
/// unknown to membership (e.g. a previous run of a single-process node) counts as gone once it stays unknown for two
/// checks in a row.
/// </summary>
public sealed class SiloLiveness(IClusterMembershipService membership)
{
    /// <summary>Silos absent from the membership view when last checked.</summary>
    private readonly HashSet<string> _missing = new(StringComparer.Ordinal);

    public bool IsGone(string siloAddress)
    {
        var address = SiloAddress.FromParsableString(siloAddress);
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(address);
        // A newer generation on the same endpoint means that process restarted: the old one is gone for sure.
        if (status == SiloStatus.Dead
            || snapshot.Members.Keys.Any(member => member.Endpoint.Equals(address.Endpoint) && member.Generation > address.Generation))
        {
            return true;
        }
        if (status != SiloStatus.None)
        {
            _missing.Remove(siloAddress);
            return false;
        }
        return !_missing.Add(siloAddress);
    }
}
