namespace Probabilistic.Distributed.Tests;

/// <summary>The two cluster address forms, and the refusals of anything else with the form to use.</summary>
public sealed class ClusterAddressTests
{
    [Fact]
    public void Redis_and_localhost_addresses_parse_and_others_are_refused_with_the_forms()
    {
        var redis = ClusterAddress.Parse("redis://10.0.0.5:6379");
        Assert.Equal("10.0.0.5:6379", redis.Redis);
        Assert.Equal(0, redis.PrimaryPort);
        var local = ClusterAddress.Parse("localhost:11111");
        Assert.Null(local.Redis);
        Assert.Equal(11111, local.PrimaryPort);
        foreach (var bad in new[] { "redis://host", "redis://host:0", "redis://:6379", "http://host:6379", "localhost:x", "localhost:70000" })
        {
            var e = Assert.Throws<FormatException>(() => ClusterAddress.Parse(bad));
            Assert.True(e.Message.Contains(bad, StringComparison.Ordinal) && e.Message.Contains("redis://HOST:PORT", StringComparison.Ordinal),
                $"'{bad}': {e.Message}");
        }
    }

    [Fact]
    public void Relative_shard_paths_start_from_the_data_root_and_absolute_ones_stay()
    {
        var paths = new ShardPaths("/data");
        Assert.Equal("/data/shards/part-0.npy", paths.Resolve("shards/part-0.npy"));
        Assert.Equal("/elsewhere/part-0.npy", paths.Resolve("/elsewhere/part-0.npy"));
    }
}
