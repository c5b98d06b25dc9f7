using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Probabilistic.Interactive.Tests;

/// <summary>
/// <c>scripts/pack.sh</c>, run once for <see cref="PackageTests"/> and <see cref="KernelNotebookTests"/>: every package of this checkout in
/// <c>artifacts/packages</c>, and the version they carry.
/// </summary>
public sealed class PackedFeed
{
    public PackedFeed()
    {
        var props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        var match = Regex.Match(props, "<VersionPrefix>([^<]+)</VersionPrefix>");
        if (!match.Success) throw new InvalidOperationException("Directory.Build.props sets no VersionPrefix");
        Version = match.Groups[1].Value;
        var (code, output) = Processes.Run("bash", [Path.Combine(RepoPaths.Root, "scripts", "pack.sh")], RepoPaths.Root, TimeSpan.FromMinutes(15));
        PackOutput = output;
        if (code != 0) throw new InvalidOperationException($"scripts/pack.sh exited {code}:\n{output}");
    }

    /// <summary>This machine's portable runtime identifier (linux-x64, osx-arm64, ...): the platform pack.sh packs the tool for.</summary>
    public static string Rid { get; } =
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>artifacts/packages.</summary>
    public string Directory { get; } = Path.Combine(RepoPaths.Root, "artifacts", "packages");

    /// <summary>The repository's one version (VersionPrefix); the notebook packages add "-preview".</summary>
    public string Version { get; }

    public string PackOutput { get; }

    /// <summary>A console app folder whose only package source is the feed (dependencies come from the machine's packages folder, which scripts/setup.sh fills).</summary>
    public string NewApp(string csprojItems, string program)
    {
        var dir = RepoPaths.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="probabilistic" value="{Directory}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(dir, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RuntimeIdentifier>{PackedFeed.Rid}</RuntimeIdentifier>
                <SelfContained>false</SelfContained>
              </PropertyGroup>
              <ItemGroup>
            {csprojItems}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
        return dir;
    }
}

/// <summary>
/// The packages as a user gets them: <c>scripts/pack.sh</c> writes every library and the tool; the README's C# examples
/// build and run in a console app whose only package source is <c>artifacts/packages</c>; plots for mixtures come
/// without TorchSharp; the <c>prob</c> tool installs from the feed and runs its demo.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class PackageTests(PackedFeed feed, ITestOutputHelper output)
{
    private string Preview => feed.Version + "-preview";

    [Fact]
    public void Pack_writes_every_library_with_symbols_and_the_tool()
    {
        var files = System.IO.Directory.GetFiles(feed.Directory).Select(Path.GetFileName).ToHashSet();
        foreach (var project in System.IO.Directory.GetDirectories(Path.Combine(RepoPaths.Root, "src")).Select(Path.GetFileName))
        {
            if (!File.Exists(Path.Combine(RepoPaths.Root, "src", project!, project + ".csproj"))) continue;
            string version = project!.EndsWith(".Interactive", StringComparison.Ordinal) ? Preview : feed.Version;
            string package = project == "Probabilistic.Cli" ? $"Probabilistic.Cli.{PackedFeed.Rid}.{version}" : $"{project}.{version}";
            Assert.True(files.Contains(package + ".nupkg"), $"{package}.nupkg in {feed.Directory} (has: {string.Join(", ", files.Order())})\n{feed.PackOutput}");
            Assert.True(files.Contains(package + ".snupkg"), $"{package}.snupkg (symbols) beside it");
        }
        Assert.Contains($"Probabilistic.Cli.{feed.Version}.nupkg", files);

        var core = Nuspec($"Probabilistic.Core.{feed.Version}.nupkg");
        foreach (var expected in new[] { "<license type=\"expression\">MIT</license>", "<readme>README.md</readme>", "<repository type=\"git\" url=\"https://" })
            Assert.True(core.Contains(expected, StringComparison.Ordinal), $"Probabilistic.Core's nuspec has {expected}:\n{core}");
        Assert.DoesNotContain("Package Description", core);

        var vae = Nuspec($"Probabilistic.Vae.{feed.Version}.nupkg");
        Assert.True(vae.Contains("<dependency id=\"TorchSharp\"", StringComparison.Ordinal), $"the VAE depends on managed TorchSharp:\n{vae}");
        Assert.True(!vae.Contains("<dependency id=\"TorchSharp-", StringComparison.Ordinal) && !vae.Contains("<dependency id=\"libtorch", StringComparison.Ordinal),
            $"the VAE pins no native TorchSharp runtime (the application chooses CPU or CUDA):\n{vae}");
        var interactive = Nuspec($"Probabilistic.Interactive.{Preview}.nupkg");
        Assert.True(!interactive.Contains("<dependency id=\"TorchSharp", StringComparison.Ordinal) && !interactive.Contains("<dependency id=\"Probabilistic.Vae", StringComparison.Ordinal),
            $"the plots package does not depend on the VAE or TorchSharp:\n{interactive}");
        var tool = Nuspec($"Probabilistic.Cli.{feed.Version}.nupkg");
        Assert.True(tool.Contains("<packageType name=\"DotnetTool\"", StringComparison.Ordinal), $"Probabilistic.Cli is a .NET tool:\n{tool}");
    }

    [Fact]
    public void Readme_examples_build_and_run_against_the_packages()
    {
        var blocks = ReadmeTests.Blocks();
        Assert.True(blocks.Count == 1 + ReadmeTests.Checks.Length, $"the README's C# section holds a usings block and {ReadmeTests.Checks.Length} family blocks; it holds {blocks.Count}");
        var program = new System.Text.StringBuilder(blocks[0]).Append("\nusing Probabilistic.Interactive;\n");
        for (int i = 0; i < ReadmeTests.Checks.Length; i++)
            program.Append($"\n{{\n{blocks[i + 1]}\n{ReadmeTests.Checks[i]}\nConsole.WriteLine(\"example {i + 1} ok\");\n}}\n");
        // What the README tells a user to reference: each family's package, the plots package (for Expect), and the VAE's runtime.
        var items = string.Join('\n', new[] { "Core", "FactorGraphs", "Mixtures", "Hmm", "Vae" }
            .Select(p => $"<PackageReference Include=\"Probabilistic.{p}\" Version=\"{feed.Version}\" />")
            .Append($"<PackageReference Include=\"Probabilistic.Interactive\" Version=\"{Preview}\" />")
            .Append("<PackageReference Include=\"TorchSharp-cpu\" Version=\"0.107.0\" />"));
        var dir = feed.NewApp(items, program.ToString());
        System.IO.Directory.CreateSymbolicLink(Path.Combine(dir, "datasets"), Path.Combine(RepoPaths.Root, "datasets"));

        var (code, text) = Processes.Run("dotnet", ["run", "-c", "Release"], dir, TimeSpan.FromMinutes(8));
        Assert.True(code == 0, $"the README examples, built against artifacts/packages in {dir}, exited {code}:\n{text}");
        for (int i = 1; i <= ReadmeTests.Checks.Length; i++)
            Assert.True(text.Contains($"example {i} ok", StringComparison.Ordinal), $"example {i} ran and its checks held:\n{text}");
        Assert.True(File.Exists(Path.Combine(dir, "faithful.gmm.json")), "the GMM example saved its model in the app's folder");
        System.IO.Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_mixture_app_with_plots_does_not_pull_TorchSharp()
    {
        var items = $"""
            <PackageReference Include="Probabilistic.Mixtures" Version="{feed.Version}" />
            <PackageReference Include="Probabilistic.Interactive" Version="{Preview}" />
            """;
        var program = $$"""
            using Probabilistic.Core.Data;
            using Probabilistic.Core.Inference;
            using Probabilistic.Interactive;
            using Probabilistic.Mixtures;

            var data = NumericData.Load("{{Path.Combine(RepoPaths.Root, "datasets", "faithful.csv")}}");
            var (model, _) = new GaussianMixture(new GaussianMixtureOptions(Components: 2)).Fit(data, new FitOptions(Seed: 0));
            var shown = DisplayRenderers.Render(model);
            Console.WriteLine($"png {shown.Png?.Length ?? 0} bytes; mean log-likelihood {model.Score(data) / data.Rows:F6}");
            """;
        var dir = feed.NewApp(items, program);
        var (code, text) = Processes.Run("dotnet", ["run", "-c", "Release"], dir, TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"the mixture-with-plots app in {dir} exited {code}:\n{text}");
        Assert.True(text.Contains("mean log-likelihood -4.155382", StringComparison.Ordinal), $"scikit-learn's K = 2 figure for Old Faithful:\n{text}");
        Assert.Matches(@"png [1-9][0-9]* bytes", text);

        var bin = System.IO.Directory.GetDirectories(Path.Combine(dir, "bin", "Release"), PackedFeed.Rid, SearchOption.AllDirectories).Single();
        var torch = System.IO.Directory.GetFiles(bin, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).Contains("torch", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(torch.Count == 0, $"no TorchSharp or LibTorch file in {bin}: {string.Join(", ", torch)}");
        long bytes = System.IO.Directory.GetFiles(bin, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        output.WriteLine($"bin/ of a mixture-with-plots app for {PackedFeed.Rid}: {bytes / 1e6:F1} MB");
        System.IO.Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void The_prob_tool_installs_from_the_feed_and_runs_its_demo()
    {
        var toolPath = RepoPaths.TempDirectory();
        var (code, text) = Processes.Run("dotnet",
            ["tool", "install", "--tool-path", toolPath, "Probabilistic.Cli", "--version", feed.Version, "--add-source", feed.Directory],
            toolPath, TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"dotnet tool install Probabilistic.Cli exited {code}:\n{text}");
        var prob = Path.Combine(toolPath, "prob");

        (code, text) = Processes.Run(prob, ["--version"], toolPath, TimeSpan.FromMinutes(1));
        Assert.True(code == 0 && text.StartsWith(feed.Version, StringComparison.Ordinal), $"prob --version prints {feed.Version} (exit {code}):\n{text}");

        // Run away from the checkout, so the demo can only find the samples the package carries.
        (code, text) = Processes.Run(prob, ["demo"], toolPath, TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"prob demo from the installed tool exited {code}:\n{text}");
        foreach (var family in new[] { "== Gaussian mixture", "== Gaussian HMM", "== Part-of-speech tagger", "== VAE", "== Factor graphs" })
            Assert.True(text.Contains(family, StringComparison.Ordinal), $"prob demo ran '{family}':\n{text}");
        System.IO.Directory.Delete(toolPath, recursive: true);
    }

    private string Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(Path.Combine(feed.Directory, package));
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}

/// <summary>Tests that use the packages of one scripts/pack.sh run (it runs once, before the first of them).</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "Packages in artifacts/packages";
}

/// <summary>Runs a child process with stdout and stderr together, killing it (and its children) past a timeout.</summary>
internal static class Processes
{
    public static (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        // The test host's MSBuild settings must not leak into a separate build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        var text = new System.Text.StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            lock (text) return (-1, $"{file} {string.Join(' ', arguments)} did not finish in {timeout}; killed.\n{text}");
        }
        process.WaitForExit();
        lock (text) return (process.ExitCode, text.ToString());
    }
}
