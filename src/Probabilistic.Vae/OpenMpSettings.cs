using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Probabilistic.Vae;

/// <summary>
/// libtorch's CPU kernels, its matrix products (oneMKL) included, run on libgomp, which reads <c>OMP_WAIT_POLICY</c> and
/// <c>GOMP_SPINCOUNT</c> once, when it loads. How long an idle worker spins before it sleeps decides the VAE's speed:
/// a step is some thirty kernels, each a parallel region a few to a few hundred microseconds long, so a worker that sleeps
/// at once (PASSIVE) is woken by the kernel for every one. Measured on a 2-core machine (784-400-20 VAE, batch 128,
/// forward and backward per batch, two runs each): PASSIVE 8.3 and 9.4 ms; 10,000 spins (about 0.1 ms) 3.9 and 4.0 ms;
/// libgomp's default 300,000 (about 3 ms) 4.1 and 6.5 ms. Spinning longer than the gaps between kernels only burns a
/// core that the next process might want, and after training a worker sleeps within the spin.
/// So, before TorchSharp loads libtorch, this sets <c>GOMP_SPINCOUNT=10000</c> in the native environment unless the user
/// has set either variable. On a machine with more runnable threads than cores, spinning can cost more than it saves
/// (the same runs beside a busy-looping process: PASSIVE 8–9 ms, 10,000 spins 4–29 ms); there
/// <c>export OMP_WAIT_POLICY=PASSIVE</c>. .NET's Environment.SetEnvironmentVariable does not reach the native environment
/// on Unix, hence setenv; for the same reason the setting is this process's own and child processes do not inherit it.
/// </summary>
internal static class OpenMpSettings
{
    /// <summary>Spins of an idle libgomp worker before it sleeps (about 0.1 ms).</summary>
    internal const string SpinCount = "10000";

#pragma warning disable CA2255 // deliberate: must run before any TorchSharp type loads libtorch
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Configure()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOMP_SPINCOUNT"))) return;
        try { _ = setenv("GOMP_SPINCOUNT", SpinCount, 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* no libc setenv: keep the default */ }
    }

    [DllImport("libc", CharSet = CharSet.Ansi, SetLastError = true)]
#pragma warning disable SYSLIB1054 // a one-off call at load time; source-generated marshalling buys nothing here
    private static extern int setenv(string name, string value, int overwrite);
#pragma warning restore SYSLIB1054
}
