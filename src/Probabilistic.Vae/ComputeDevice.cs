using TorchSharp;

namespace Probabilistic.Vae;

/// <summary>Where the VAE's tensors live.</summary>
public enum ComputeDevice
{
    /// <summary>The CPU (TorchSharp-cpu, the default build).</summary>
    Cpu,
    /// <summary>The first CUDA GPU; needs the build with <c>-p:UseCuda=true</c> (TorchSharp-cuda-linux) and a device.</summary>
    Cuda,
}

/// <summary>Device and thread settings for TorchSharp.</summary>
public static class TorchRuntime
{
    /// <summary>The TorchSharp device for <paramref name="device"/>, or a clear error when CUDA is asked for and absent.</summary>
    public static torch.Device Resolve(ComputeDevice device)
    {
        if (device == ComputeDevice.Cpu) return torch.CPU;
        if (!torch.cuda.is_available())
            throw new InvalidOperationException(
                "CUDA was requested but TorchSharp sees no CUDA device. Build with 'dotnet build -p:UseCuda=true' " +
                "(TorchSharp-cuda-linux instead of TorchSharp-cpu) on a machine with an NVIDIA GPU and driver, or use --device cpu.");
        return torch.CUDA;
    }

    /// <summary>Parses "cpu" / "cuda" (case-insensitive).</summary>
    public static ComputeDevice Parse(string name) => name.ToLowerInvariant() switch
    {
        "cpu" => ComputeDevice.Cpu,
        "cuda" or "gpu" => ComputeDevice.Cuda,
        _ => throw new ArgumentException($"Unknown device '{name}'; use cpu or cuda."),
    };

    /// <summary>Sets the intra-op thread count of the native backend (torch.set_num_threads); process-wide.</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "Thread count must be at least 1.");
        torch.set_num_threads(threads);
    }
}
