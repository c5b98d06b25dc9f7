using Orleans.Runtime;

namespace Probabilistic.Distributed;

/// <summary>
/// Which silos the cluster's membership holds active, asked of Orleans' management grain at most once a
/// <see cref="Interval"/>. A call in flight to a partition whose silo has been declared dead would otherwise wait for the
/// client's response timeout (which must be long: a large shard's E-step takes minutes); the coordinator cancels it and
/// sends it again instead.
/// </summary>
internal sealed class SiloLiveness(IGrainFactory grains)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HashSet<string>? _active;
    private DateTime _asked;

    /// <summary>How often membership is asked while calls are in flight.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>False when <paramref name="silo"/> is no longer among the active silos (true when membership cannot be asked).</summary>
    public async Task<bool> IsActive(string silo, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_active is null || DateTime.UtcNow - _asked >= Interval)
            {
                try
                {
                    var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(Interval * 5, ct).ConfigureAwait(false);
                    _active = hosts.Keys.Select(k => k.ToString()).ToHashSet(StringComparer.Ordinal);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    return true;   // membership unreachable for now: let the call's own timeout decide
                }
                _asked = DateTime.UtcNow;
            }
            return _active.Contains(silo);
        }
        finally { _gate.Release(); }
    }
}
