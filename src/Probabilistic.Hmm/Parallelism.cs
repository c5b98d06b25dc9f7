using System.Runtime.ExceptionServices;

namespace Probabilistic.Hmm;

/// <summary>Parallel loops over sequences that surface the first worker's exception as itself, not wrapped.</summary>
internal static class Parallelism
{
    public static void For<TLocal>(int count, ParallelOptions options, Func<TLocal> init, Func<int, TLocal, TLocal> body, Action<TLocal> done)
    {
        try
        {
            Parallel.For(0, count, options, init, (i, _, local) => body(i, local), done);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
