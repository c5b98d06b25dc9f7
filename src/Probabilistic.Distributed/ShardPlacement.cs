using System.Globalization;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Probabilistic.Distributed;

/// <summary>
/// Places partition i of a fit (grain key "FIT/i") on the i-th of the compatible silos in address order, modulo their
/// number: the partitions spread evenly whatever the order their first calls arrive in (Orleans' random and
/// activation-count placements put several simultaneous first activations on one silo), and a partition whose silo died
/// goes to the same formula over the survivors.
/// </summary>
public sealed class ShardPlacementStrategy : PlacementStrategy;

/// <summary>Marks a shard grain for <see cref="ShardPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardPlacementAttribute() : PlacementAttribute(new ShardPlacementStrategy());

/// <summary>The director of <see cref="ShardPlacementStrategy"/>.</summary>
public sealed class ShardPlacementDirector : IPlacementDirector
{
    /// <inheritdoc/>
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        if (silos.Length == 0) throw new OrleansException($"No silo can host {target.GrainIdentity}.");
        string key = target.GrainIdentity.Key.ToString() ?? "";
        int slash = key.LastIndexOf('/');
        int index = slash >= 0 && int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i
            : (int)(StableHash(key) & int.MaxValue);
        return Task.FromResult(silos[index % silos.Length]);
    }

    private static uint StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) h = (h ^ c) * 16777619;
        return h;
    }
}
