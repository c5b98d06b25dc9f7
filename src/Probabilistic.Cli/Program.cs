using System.CommandLine;
using Probabilistic.Cli;
using Probabilistic.Cli.Commands;

var root = new RootCommand("prob: probabilistic modelling from the command line (mixtures, HMMs, tagging, VAEs, factor graphs)")
{
    DemoCommand.Create(),
    GmmCommand.Create(),
    HmmCommand.Create(),
    TagCommand.Create(),
    VaeCommand.Create(),
    ServeCommand.Create(),
    WorkerCommand.Create(),
};
return CliHost.Run(root, args);
