namespace Probabilistic.Mixtures.Gpu;

/// <summary>Which backend to fit on.</summary>
public enum BackendChoice
{
    /// <summary>CUDA when ILGPU finds a device, else the CPU backend.</summary>
    Auto,
    /// <summary>The SIMD multi-core CPU backend (double precision).</summary>
    Cpu,
    /// <summary>The ILGPU backend on CUDA (single precision); an error when there is no device.</summary>
    Gpu,
}

/// <summary>Creates the backend for a <see cref="BackendChoice"/> (the CLI's <c>--backend auto|cpu|gpu</c>).</summary>
public static class MixtureBackends
{
    /// <summary>The backend for <paramref name="choice"/>; dispose it when it is disposable.</summary>
    public static IMixtureBackend Create(BackendChoice choice, int? threads = null) => choice switch
    {
        BackendChoice.Cpu => new CpuMixtureBackend(threads),
        BackendChoice.Gpu => GpuMixtureBackend.CreateCuda(),
        _ => GpuMixtureBackend.CudaAvailable() ? GpuMixtureBackend.CreateCuda() : new CpuMixtureBackend(threads),
    };

    /// <summary>Parses auto, cpu or gpu.</summary>
    public static BackendChoice Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => BackendChoice.Auto,
        "cpu" => BackendChoice.Cpu,
        "gpu" or "cuda" => BackendChoice.Gpu,
        _ => throw new ArgumentException($"Unknown backend '{text}'; use auto, cpu or gpu."),
    };
}
