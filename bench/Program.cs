using Probabilistic.Bench;

return BenchRunner.Run(args);
