using Orleans.Configuration;
using Orleans.TestingHost;

namespace Probabilistic.Distributed.Tests;

/// <summary>Three silos and a client in this process (Orleans' InProcessTestCluster), each silo able to host shard grains.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync() => Cluster = await Start(3);

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
    }

    /// <summary>
    /// <paramref name="silos"/> silos whose membership declares a dead silo dead within a few seconds (the defaults take
    /// about a minute), so a test that kills one does not wait long for its partitions to be placed elsewhere. The client's
    /// response timeout (60 s) is longer than any test: a call in flight on a killed silo must be ended by the coordinator's
    /// membership check, not by the timeout.
    /// </summary>
    public static async Task<InProcessTestCluster> Start(short silos, Action<InProcessTestSiloSpecificOptions, ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((options, silo) =>
        {
            configure?.Invoke(options, silo);
            silo.AddProbabilisticShards();
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 1;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(60)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "three silos";
}
