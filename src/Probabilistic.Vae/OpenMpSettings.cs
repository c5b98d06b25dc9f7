using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Probabilistic.Vae;

/// <summary>
/// libtorch's CPU kernels run on libgomp, which reads <c>OMP_WAIT_POLICY</c> once, when it loads. Its default lets idle
/// threads spin, which on a small shared machine (2 cores, other processes, OpenBLAS-free libtorch still using 2 OpenMP
/// threads) costs several times the work: the PyTorch peer measured 8.8 s/epoch spinning against 2.9 s with PASSIVE.
/// So, before TorchSharp loads libtorch, this sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the native environment unless the
/// user has set it (export OMP_WAIT_POLICY=ACTIVE to override). .NET's Environment.SetEnvironmentVariable does not reach
/// the native environment on Unix, hence setenv.
/// </summary>
internal static class OpenMpSettings
{
#pragma warning disable CA2255 // deliberate: must run before any TorchSharp type loads libtorch
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Configure()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"))) return;
        try { _ = setenv("OMP_WAIT_POLICY", "PASSIVE", 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* no libc setenv: keep the default */ }
    }

    [DllImport("libc", CharSet = CharSet.Ansi, SetLastError = true)]
#pragma warning disable SYSLIB1054 // a one-off call at load time; source-generated marshalling buys nothing here
    private static extern int setenv(string name, string value, int overwrite);
#pragma warning restore SYSLIB1054
}
