using Orleans.Runtime;

namespace Probabilistic.Distributed.Tests;

/// <summary>
/// The coordinator's rule for failed calls, without a cluster: failures of the cluster (a silo unavailable, a timeout)
/// are sent again until they succeed or RetryFor passes; a shard's own failure is not retried; answers come back in
/// shard order whatever order they finish in.
/// </summary>
public sealed class ShardCallTests
{
    private static readonly string[] Three = ["a.npy", "b.npy", "c.npy"];

    [Fact]
    public void Calls_failing_for_reasons_of_the_cluster_are_sent_again_and_answers_keep_shard_order()
    {
        var attempts = new int[3];
        var stats = new CoordinationStats();
        var answers = ShardCalls.All(Three, async (s, _) =>
        {
            int i = Array.IndexOf(Three, s);
            int attempt = Interlocked.Increment(ref attempts[i]);
            if (i == 1 && attempt <= 2) throw new SiloUnavailableException("silo gone");
            if (i == 2 && attempt == 1) throw new TimeoutException("no answer");
            await Task.Delay(30 * (3 - i));   // the last shard answers first
            return s;
        }, new DistributedFitOptions(RetryFor: TimeSpan.FromSeconds(30)), stats, CancellationToken.None);
        Assert.Equal(Three, answers);
        Assert.True(attempts is [1, 3, 2], $"attempts per shard: {string.Join(", ", attempts)}");
        Assert.True(stats.Retries == 3, $"{stats.Retries} retries counted, not 3");
    }

    [Fact]
    public void A_shard_failure_is_not_retried_and_a_cluster_failure_gives_up_after_RetryFor()
    {
        int calls = 0;
        var own = Assert.Throws<DistributedFitException>(() => ShardCalls.All(Three, (s, _) =>
        {
            Interlocked.Increment(ref calls);
            return s == "b.npy" ? Task.FromException<int>(new ShardException(1, "/data/b.npy", "S10.0.0.2:11111:1", "truncated data")) : Task.FromResult(0);
        }, new DistributedFitOptions(), null, CancellationToken.None));
        Assert.True(calls == 3, $"{calls} calls: the failed shard was retried");
        Assert.Contains("shard 1 (/data/b.npy) on silo S10.0.0.2:11111:1: truncated data", own.Message, StringComparison.Ordinal);

        var gone = Assert.Throws<DistributedFitException>(() => ShardCalls.All(Three, (s, _) =>
            s == "c.npy" ? Task.FromException<int>(new SiloUnavailableException("silo gone")) : Task.FromResult(0),
            new DistributedFitOptions(RetryFor: TimeSpan.FromMilliseconds(300)), null, CancellationToken.None));
        Assert.Contains("c.npy stayed unreachable", gone.Message, StringComparison.Ordinal);
    }
}
