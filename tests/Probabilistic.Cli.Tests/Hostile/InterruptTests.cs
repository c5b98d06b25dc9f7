using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Probabilistic.Core.IO;
using Probabilistic.Hmm;
using Probabilistic.Mixtures;
using Probabilistic.Vae;

namespace Probabilistic.Cli.Tests.Hostile;

/// <summary>
/// One rule for interruption: stop at the next safe point, exit 130 and say so on stderr; the fits (gmm fit, hmm fit,
/// vae train) save the model of the last completed step, every other command saves nothing; no temporary file is left,
/// and temporaries of killed processes are removed by the next save.
/// </summary>
public sealed partial class InterruptTests(HostileFiles files) : IClassFixture<HostileFiles>
{
    private string Folder(string name)
    {
        var dir = Path.Combine(files.Root, "interrupt", name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        return Directory.CreateDirectory(dir).FullName;
    }

    private static void NoTemporaries(string dir) =>
        Assert.True(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories).Length == 0, $"temporary files left in {dir}");

    [Fact]
    public void Gmm_fit_interrupted_after_an_iteration_saves_that_iteration_and_exits_130()
    {
        var dir = Folder("gmm");
        var model = Path.Combine(dir, "m.json");
        var (code, _, err) = HostileInputTests.Run(["gmm", "fit", "--data", files.Faithful, "--components", "2", "--tol", "0", "--max-iter", "100000", "-o", model],
            cancelWhen: "iteration 1:");
        Assert.True(code == CliHost.Interrupted, $"exit {code}: {err}");
        var match = SavedAfter().Match(err);
        Assert.True(match.Success, $"stderr says what was saved: {err}");
        var loaded = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(model))!;
        Assert.Equal(int.Parse(match.Groups[1].Value), loaded["model"]!["meanLogLikelihoodTrace"]!.AsArray().Count);
        Assert.Equal(2, GaussianMixture.Load(model).Parameters!.Components);
        NoTemporaries(dir);
    }

    [Fact]
    public void Hmm_fit_interrupted_after_an_iteration_saves_that_iteration_and_exits_130()
    {
        var dir = Folder("hmm");
        var model = Path.Combine(dir, "m.json");
        var (code, _, err) = HostileInputTests.Run(["hmm", "fit", "--data", files.Observations, "--states", "2", "--emission", "gaussian", "--tol", "0", "--max-iter", "100000", "-o", model],
            cancelWhen: "iteration 1:");
        Assert.True(code == CliHost.Interrupted, $"exit {code}: {err}");
        Assert.Matches(SavedAfter(), err);
        Assert.Equal(2, HmmModelFile.Load(model).StateCount);
        NoTemporaries(dir);
    }

    [Fact]
    public void Vae_train_interrupted_after_an_epoch_saves_that_epoch_and_exits_130()
    {
        var dir = Folder("vae");
        var model = Path.Combine(dir, "m.vae");
        var (code, _, err) = HostileInputTests.Run(["vae", "train", "--data", files.Mnist, "--epochs", "100000", "--hidden", "8", "--latent", "2", "--json", "-o", model],
            cancelWhen: "epoch 1 done");
        Assert.True(code == CliHost.Interrupted, $"exit {code}: {err}");
        Assert.Contains("interrupted after epoch", err);
        using (var m = VariationalAutoencoder.Load(model)) Assert.Equal(2, m.Architecture.LatentSize);
        NoTemporaries(dir);
    }

    public static TheoryData<string> Commands => new(["gmm fit", "gmm predict", "hmm fit", "hmm decode", "hmm score", "tag train", "tag eval", "tag -m",
        "vae train", "vae eval", "vae sample", "vae reconstruct", "vae latent", "demo"]);

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_interrupted_before_its_first_step_exits_130_and_writes_nothing(string command)
    {
        var dir = Folder("before-" + command.Replace(' ', '-'));
        var o = Path.Combine(dir, "out");
        string[] args = command switch
        {
            "gmm fit" => ["gmm", "fit", "--data", files.Faithful, "--components", "2", "-o", o],
            "gmm predict" => ["gmm", "predict", "-m", files.GmmModel, "--data", files.Faithful],
            "hmm fit" => ["hmm", "fit", "--data", files.Observations, "--states", "2", "--emission", "gaussian", "-o", o],
            "hmm decode" => ["hmm", "decode", "-m", files.GaussianModel, "--data", files.Observations],
            "hmm score" => ["hmm", "score", "-m", files.GaussianModel, "--data", files.Observations],
            "tag train" => ["tag", "train", "-o", o, files.Brown],
            "tag eval" => ["tag", "eval", "-m", files.TaggerModel, files.Brown],
            "tag -m" => ["tag", "-m", files.TaggerModel, "-i", files.Brown, "--format", "wordtag"],
            "vae train" => ["vae", "train", "--data", files.Mnist, "--epochs", "2", "--hidden", "8", "-o", o],
            "vae eval" => ["vae", "eval", "-m", files.VaeModel, "--data", files.Mnist, "--iwae-k", "5"],
            "vae sample" => ["vae", "sample", "-m", files.VaeModel, "-o", o],
            "vae reconstruct" => ["vae", "reconstruct", "-m", files.VaeModel, "--data", files.Mnist, "-o", o],
            "vae latent" => ["vae", "latent", "-m", files.VaeModel, "--data", files.Mnist, "-o", o],
            _ => ["demo", "--only", "Gaussian mixture"],
        };
        var (code, _, err) = HostileInputTests.Run(args, cancelWhen: "");
        Assert.True(code == CliHost.Interrupted, $"prob {command}: exit {code}: {err}");
        Assert.Contains("interrupted", err);
        Assert.False(File.Exists(o), $"prob {command} wrote {o} although interrupted before its first step");
        Assert.DoesNotContain("   at ", err);
        NoTemporaries(dir);
    }

    [SkippableFact]
    public void Sigint_stops_a_training_process_which_saves_its_last_epoch_and_exits_130()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is a POSIX signal");
        var dir = Folder("sigint");
        var model = Path.Combine(dir, "m.vae");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "prob.dll"), "vae", "train", "--data", files.Mnist,
            "--epochs", "1000000", "--hidden", "8", "--latent", "2", "--json", "-o", model])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = new System.Text.StringBuilder();
        string? line;
        // Wait (on the process's own output, not a clock) until an epoch has completed, then interrupt it.
        while ((line = p.StandardError.ReadLine()) is not null)
        {
            errors.AppendLine(line);
            if (line.Contains("epoch 1 done", StringComparison.Ordinal)) break;
        }
        Assert.True(line is not null, $"the process ended before its first epoch: {errors}");
        Assert.Equal(0, kill(p.Id, 2));
        errors.Append(p.StandardError.ReadToEnd());
        Assert.True(p.WaitForExit(120_000), "the process did not stop within two minutes of SIGINT");
        string err = errors.ToString();
        Assert.True(p.ExitCode == CliHost.Interrupted, $"exit {p.ExitCode}: {err}");
        Assert.Contains("interrupt received", err);
        Assert.Contains("interrupted after epoch", err);
        using (var m = VariationalAutoencoder.Load(model)) Assert.Equal(2, m.Architecture.LatentSize);
        NoTemporaries(dir);
        _ = output;
    }

    [Fact]
    public void A_save_removes_temporaries_that_killed_processes_left_and_keeps_those_of_running_ones()
    {
        var dir = Folder("stale");
        var model = Path.Combine(dir, "m.json");
        int dead = DeadPid();
        var stale = Path.Combine(dir, $".m.json.{dead}.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(dir, $".m.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var unrelated = Path.Combine(dir, ".other.json.1.tmp");
        foreach (var f in new[] { stale, live, unrelated }) File.WriteAllText(f, "partial");
        var (code, _, err) = HostileInputTests.Run(["gmm", "fit", "--data", files.Faithful, "--components", "2", "-o", model]);
        Assert.True(code == 0, $"exit {code}: {err}");
        Assert.False(File.Exists(stale), "the temporary of a dead process was not removed");
        Assert.True(File.Exists(live), "the temporary of a running process was removed");
        Assert.True(File.Exists(unrelated), "a file that is not a temporary of this target was removed");
    }

    private static int DeadPid()
    {
        for (int pid = 4_000_000; pid > 100_000; pid -= 7919)
            if (!Directory.Exists($"/proc/{pid}")) return pid;
        throw new InvalidOperationException("no unused process id found");
    }

    [GeneratedRegex(@"interrupted after iteration (\d+); saved the model of the last completed iteration")]
    private static partial Regex SavedAfter();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
