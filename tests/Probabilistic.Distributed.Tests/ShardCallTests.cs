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

/// <summary>
/// The membership watch on calls in flight: a call to a silo membership no longer holds is cancelled and sent again, and
/// the call sent again is not cancelled by the same watch however long it takes (the partition reloads elsewhere).
/// </summary>
public sealed class WatchedCallTests
{
    [Fact]
    public void A_call_to_a_dead_silo_is_cancelled_and_sent_again_and_the_slow_retry_is_left_to_finish()
    {
        int attempts = 0;
        var stats = new CoordinationStats();
        string[] shards = ["a.npy"];
        var answers = ShardCalls.All(shards, async (s, ct) =>
        {
            int attempt = Interlocked.Increment(ref attempts);
            if (attempt == 1) await Task.Delay(Timeout.Infinite, ct);   // in flight on the silo that died: only cancellation ends it
            await Task.Delay(2500, ct);                                   // the retry reloads its shard: longer than a watch interval
            return attempt;
        }, new DistributedFitOptions(RetryFor: TimeSpan.FromSeconds(30)), stats, CancellationToken.None,
            (new string?[] { "S-dead" }, (silo, _) => Task.FromResult(silo != "S-dead")));
        Assert.True(answers[0] == 2, $"answered by attempt {answers[0]} of {attempts}: the retry was cancelled too");
        Assert.True(stats.Retries == 1, $"{stats.Retries} retries, not 1");
    }
}
