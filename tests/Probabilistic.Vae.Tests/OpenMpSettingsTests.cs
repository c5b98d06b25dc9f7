using System.Runtime.InteropServices;
using Probabilistic.Vae;

namespace Probabilistic.Vae.Tests;

/// <summary>
/// The library's libgomp setting reaches the native environment that libtorch reads (not only .NET's copy of it), and
/// stays this process's own: a child process started from .NET does not inherit it.
/// </summary>
public class OpenMpSettingsTests
{
    [SkippableFact]
    public void SpinCountIsSetNativelyAndNotInherited()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "libgomp settings are set on Linux and macOS; the test reads them through Linux's libc");
        Skip.If(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"))
                || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOMP_SPINCOUNT")),
            "the test's environment sets OMP_WAIT_POLICY or GOMP_SPINCOUNT, which the library then leaves alone");
        OpenMpSettings.Configure(); // the module initializer has run already; a second call changes nothing
        Assert.Equal(OpenMpSettings.SpinCount, Marshal.PtrToStringAnsi(getenv("GOMP_SPINCOUNT")));
        Assert.Null(Environment.GetEnvironmentVariable("GOMP_SPINCOUNT"));

        using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/env")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        string environment = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        Assert.DoesNotContain("GOMP_SPINCOUNT=", environment);
    }

    [DllImport("libc")]
#pragma warning disable SYSLIB1054 // a test's one call
    private static extern IntPtr getenv(string name);
#pragma warning restore SYSLIB1054
}
