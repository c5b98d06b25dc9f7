using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Probabilistic.Distributed;

/// <summary>
/// How silos find each other: <c>redis://HOST:PORT</c> (membership in a Redis server, for several machines) or
/// <c>localhost:PORT</c> (Orleans' development clustering on one machine, the silo on PORT being the primary).
/// </summary>
public sealed record ClusterAddress
{
    private ClusterAddress(string text, string? redis, int primaryPort) { Text = text; Redis = redis; PrimaryPort = primaryPort; }

    /// <summary>The address as written.</summary>
    public string Text { get; }

    /// <summary>StackExchange.Redis's "HOST:PORT", or null for localhost clustering.</summary>
    public string? Redis { get; }

    /// <summary>The primary silo's port of localhost clustering (0 with Redis).</summary>
    public int PrimaryPort { get; }

    /// <summary>Orleans' cluster and service id of every Probabilistic cluster.</summary>
    public const string ClusterId = "probabilistic";

    /// <summary>Reads <c>redis://HOST:PORT</c> or <c>localhost:PORT</c>.</summary>
    /// <exception cref="FormatException">Neither form.</exception>
    public static ClusterAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = text["redis://".Length..].TrimEnd('/');
            int colon = rest.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
                throw new FormatException($"'{text}': a Redis address is redis://HOST:PORT, e.g. redis://10.0.0.5:6379");
            return new ClusterAddress(text, rest, 0);
        }
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(text["localhost:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int primary) && primary is >= 1 and <= 65535)
            return new ClusterAddress(text, null, primary);
        throw new FormatException($"'{text}': use redis://HOST:PORT (Redis membership) or localhost:PORT (one machine, PORT the primary silo's)");
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>Where a worker's silo listens and what it tells the others.</summary>
/// <param name="SiloPort">Silo-to-silo port.</param>
/// <param name="GatewayPort">Port clients (the coordinator) connect to.</param>
/// <param name="Advertise">The address other machines reach this one at (null: the first up non-loopback IPv4 with
/// Redis, loopback with localhost clustering).</param>
/// <param name="DataRoot">Where relative shard paths start (null: the current directory).</param>
public sealed record WorkerOptions(int SiloPort = 11111, int GatewayPort = 30000, IPAddress? Advertise = null, string? DataRoot = null);

/// <summary>Hosts for the two sides of a partitioned fit: a worker's silo and the coordinator's client.</summary>
public static class ClusterHosts
{
    /// <summary>A host running one silo of <paramref name="cluster"/> that can hold shard grains (start it; stop it to leave).</summary>
    public static IHost Worker(ClusterAddress cluster, WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Quiet(builder.Logging);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = ClusterAddress.ClusterId; o.ServiceId = ClusterAddress.ClusterId; });
            if (cluster.Redis is { } redis)
            {
                silo.UseRedisClustering(redis);
                silo.ConfigureEndpoints(options.Advertise ?? FirstAddress(), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
            }
            else
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, new IPEndPoint(IPAddress.Loopback, cluster.PrimaryPort),
                    ClusterAddress.ClusterId, ClusterAddress.ClusterId);
            silo.AddProbabilisticShards(options.DataRoot);
        });
        return builder.Build();
    }

    /// <summary>
    /// A host whose <see cref="IClusterClient"/> reaches <paramref name="cluster"/> (through Redis, or the given localhost
    /// <paramref name="gatewayPorts"/>), waiting up to <paramref name="responseTimeout"/> for one partition's answer.
    /// </summary>
    public static IHost Client(ClusterAddress cluster, IReadOnlyList<int>? gatewayPorts = null, TimeSpan? responseTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Quiet(builder.Logging);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = ClusterAddress.ClusterId; o.ServiceId = ClusterAddress.ClusterId; });
            if (cluster.Redis is { } redis) client.UseRedisClustering(redis);
            else
            {
                var ports = gatewayPorts is { Count: > 0 } ? gatewayPorts : [30000];
                client.UseStaticClustering(ports.Select(p => new IPEndPoint(IPAddress.Loopback, p)).ToArray());
            }
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout ?? TimeSpan.FromMinutes(30));
        });
        return builder.Build();
    }

    /// <summary>The first up, non-loopback IPv4 address of this machine (loopback when there is none).</summary>
    public static IPAddress FirstAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;

    /// <summary>A TCP port free on loopback now (for local workers).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Quiet(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("Orleans", LogLevel.Error);
        logging.AddFilter("Microsoft", LogLevel.Error);
    }
}
