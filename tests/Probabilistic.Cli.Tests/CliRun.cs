using System.CommandLine;

namespace Probabilistic.Cli.Tests;

/// <summary>Runs one command under a fresh root, capturing its output and error streams: the harness of the command test classes.</summary>
internal static class CliRun
{
    public static (int Code, string Out, string Err) Run(Command command, params string[] args)
    {
        var root = new RootCommand { command };
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliHost.Run(root, args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}
