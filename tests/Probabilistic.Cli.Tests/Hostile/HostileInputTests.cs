using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Probabilistic.Cli.Commands;
using Probabilistic.Core;

namespace Probabilistic.Cli.Tests.Hostile;

/// <summary>
/// The hostile-input suite (issue 13): every row of <see cref="HostileCase.All"/> run through the CLI host in process —
/// the exit code, a fragment of the message, no stack trace, no temporary file left, and no file changed or created
/// when the command refuses — and, for rows with a library entry point, the same input at library level: the project's
/// own exception type, whose message the command prints.
/// </summary>
public sealed class HostileInputTests(HostileFiles files) : IClassFixture<HostileFiles>
{
    public static TheoryData<string> Rows => new(HostileCase.All.Select(c => c.Name));

    public static TheoryData<string> LibraryRows => new(HostileCase.All.Where(c => c.Library is not null).Select(c => c.Name));

    [Fact]
    public void TheTableCoversEveryCommandReaderAndModelKind()
    {
        var commands = HostileCase.All.Select(c => Describe(c.Args(files, CaseFolder(c.Name, "describe")))).ToList();
        foreach (var command in new[] { "gmm fit", "gmm predict", "hmm fit", "hmm decode", "hmm score", "tag -m", "tag train", "tag eval",
                     "vae train", "vae eval", "vae sample", "vae reconstruct", "vae latent", "demo" })
            Assert.True(commands.Any(c => c.StartsWith(command, StringComparison.Ordinal)), $"no hostile row runs 'prob {command}'");
        foreach (var reader in new[] { "reader/csv", "reader/npy", "reader/idx", "reader/brown", "reader/conll", "reader/text-sequences" })
            Assert.True(HostileCase.All.Any(c => c.Name.StartsWith(reader, StringComparison.Ordinal)), $"no hostile row for {reader}");
        foreach (var kind in new[] { "gmm-model", "bayesian-gmm-model", "hmm-model", "hmm-gaussian-model", "tagger", "vae" })
            Assert.True(HostileCase.All.Any(c => c.Name.Contains(kind, StringComparison.Ordinal)), $"no hostile row for the {kind} model file");
        Assert.Equal(HostileCase.All.Count, HostileCase.All.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void CommandAnswersWithItsExitCodeAndNamesTheCulprit(string name)
    {
        var row = HostileCase.All.Single(c => c.Name == name);
        var dir = CaseFolder(name, "cli");
        var args = row.Args(files, dir);
        var before = Snapshot(files.Root);
        var (code, output, error) = Run(args, row.CancelWhen);
        string context = $"prob {string.Join(' ', args)}\nexit {code}\nstderr: {error}\nstdout: {Clip(output)}";
        Assert.True(code == row.Code, $"expected exit {row.Code}: {context}");
        Assert.True((code == CliHost.Ok ? output : error).Contains(row.Fragment, StringComparison.Ordinal), $"expected '{row.Fragment}': {context}");
        Assert.False(error.Contains("   at ", StringComparison.Ordinal) || error.Contains("Unhandled exception", StringComparison.Ordinal), $"a stack trace: {context}");
        Assert.True(Directory.EnumerateFiles(files.Root, "*.tmp", SearchOption.AllDirectories).ToList() is { Count: 0 }, $"temporary files left: {context}");
        if (code != CliHost.Ok)
        {
            var after = Snapshot(files.Root);
            foreach (var (path, hash) in before)
                Assert.True(after.TryGetValue(path, out var now) && now == hash, $"{path} was changed or removed: {context}");
            var created = after.Keys.Except(before.Keys).ToList();
            Assert.True(created.Count == 0, $"a refused command wrote {string.Join(", ", created)}: {context}");
        }
    }

    [Theory]
    [MemberData(nameof(LibraryRows))]
    public void LibraryThrowsItsOwnTypeWithTheMessageTheCommandPrints(string name)
    {
        var row = HostileCase.All.Single(c => c.Name == name);
        var dir = CaseFolder(name, "lib");
        var args = row.Args(files, dir);
        var thrown = Record.Exception(row.Library!(files, dir));
        Assert.True(thrown is not null, $"{name}: the library call did not throw");
        Assert.True(thrown!.GetType() == row.Thrown, $"{name}: expected {row.Thrown!.Name}, got {thrown.GetType().Name}: {thrown}");
        Assert.IsAssignableFrom<ProbabilisticException>(thrown);
        var (_, _, error) = Run(args, row.CancelWhen);
        // Paths may be given relative or absolute; the reason the library gives must reach the user unchanged.
        var reason = thrown switch
        {
            Core.Data.DataFormatException e => e.Reason,
            Core.IO.ModelFormatException e => e.Reason,
            Core.IO.OutputPathException e => e.Reason,
            _ => thrown.Message,
        };
        // A memory refusal: the command estimates the whole command (data, model, work) with its options' names, the
        // library its own part with its parameters' names; both refuse with an estimate and the limit.
        if (thrown is ResourceLimitException) reason = "needs about";
        Assert.True(error.Contains(reason, StringComparison.Ordinal), $"{name}: the command's stderr lacks the library's reason\nlibrary: {thrown.Message}\nstderr: {error}");
    }

    private string CaseFolder(string name, string kind)
    {
        var dir = Path.Combine(files.Root, "cases", kind, name.Replace('/', '_'));
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        return Directory.CreateDirectory(dir).FullName;
    }

    internal static (int Code, string Out, string Err) Run(string[] args, string? cancelWhen = null)
    {
        var root = new RootCommand("test") { DemoCommand.Create(), GmmCommand.Create(), HmmCommand.Create(), TagCommand.Create(new StringReader("")), VaeCommand.Create() };
        using var cancel = new CancellationTokenSource();
        var output = new StringWriter();
        // An empty marker cancels before the command starts.
        var error = cancelWhen is null ? new StringWriter() : new CancellingWriter(cancelWhen, cancel).Armed();
        int code = CliHost.Run(root, args, output, error, cancel.Token);
        return (code, output.ToString(), error.ToString());
    }

    private static Dictionary<string, string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(p => p, p => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))));

    private static string Describe(string[] args) =>
        args.Length > 1 && args[0] == "tag" && args[1] == "-m" ? "tag -m" : string.Join(' ', args.Take(2));

    private static string Clip(string s) => s.Length <= 2000 ? s : s[..2000] + "…";

    /// <summary>A writer that cancels a run when it sees a text: interrupting at a known point, as SIGINT would.</summary>
    internal sealed class CancellingWriter(string marker, CancellationTokenSource cancel) : StringWriter
    {
        public override void Write(char value) { base.Write(value); Check(); }
        public override void Write(string? value) { base.Write(value); Check(); }
        public override void WriteLine(string? value) { base.WriteLine(value); Check(); }
        public CancellingWriter Armed() { Check(); return this; }
        private void Check() { if (ToString().Contains(marker, StringComparison.Ordinal)) cancel.Cancel(); }
    }
}
