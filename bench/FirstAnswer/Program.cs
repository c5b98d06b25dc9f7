using Probabilistic.FactorGraphs.Samples;

// FirstAnswer SAMPLE: runs one acceptance sample (SampleCatalog) and writes "first" on standard output, flushed, the moment
// its first posterior is reported, then "done" when it ends. The parent process times both from before it started this
// one, so the figure includes the runtime's start, loading and JIT-compiling the library, building and compiling the model.
if (args.Length != 1 || SampleCatalog.Find(args[0]) is not { } sample)
{
    Console.Error.WriteLine("usage: FirstAnswer SAMPLE, one of: " + string.Join(", ", SampleCatalog.All.Select(s => s.Name)));
    return 2;
}
var stdout = Console.Out;
bool first = true;
sample.Run((_, _) =>
{
    if (!first) return;
    first = false;
    stdout.WriteLine("first");
    stdout.Flush();
});
stdout.WriteLine("done");
return 0;
