using Probabilistic.Core.Numerics;

namespace Probabilistic.Hmm.Tests;

/// <summary>
/// The independent reference: enumerate every state path of a tiny model (K^T of them), in log space, and read
/// off the likelihood, the marginals, the pairwise marginals, the best path and the expected counts.
/// </summary>
internal sealed class BruteForce
{
    public double LogLikelihood;
    public double[] Gamma = [];       // T×K
    public double[] Xi = [];          // (T−1)×K×K
    public int[] BestPath = [];
    public double BestLogProb;

    public static BruteForce Enumerate(double[] start, double[] transitions, double[] logFrame, int steps, int k)
    {
        int paths = 1;
        for (int t = 0; t < steps; t++) paths *= k;
        var logJoint = new double[paths];
        var z = new int[steps];
        var result = new BruteForce { BestLogProb = double.NegativeInfinity, BestPath = new int[steps] };
        for (int p = 0; p < paths; p++)
        {
            // Path p in base k, most significant digit first, so enumeration is lexicographic.
            int r = p;
            for (int t = steps - 1; t >= 0; t--) { z[t] = r % k; r /= k; }
            double lp = Math.Log(start[z[0]]) + logFrame[z[0]];
            for (int t = 1; t < steps; t++) lp += Math.Log(transitions[z[t - 1] * k + z[t]]) + logFrame[t * k + z[t]];
            logJoint[p] = lp;
            // Best path; among paths tied to within rounding (1e-12 relative), Viterbi's rule (lowest final state,
            // then lowest predecessor at each step back) picks the smallest in reversed-lexicographic order.
            double tol = 1e-12 * Math.Max(1, Math.Abs(lp));
            if (double.IsNegativeInfinity(lp)) continue;
            if (double.IsNegativeInfinity(result.BestLogProb) || lp > result.BestLogProb + tol || (lp >= result.BestLogProb - tol && ReverseLess(z, result.BestPath)))
            {
                result.BestLogProb = Math.Max(lp, result.BestLogProb);
                z.CopyTo(result.BestPath, 0);
            }
        }
        for (int p = 0; p < paths; p++) result.BestLogProb = Math.Max(result.BestLogProb, logJoint[p]);
        result.LogLikelihood = LogSpace.LogSumExp(logJoint);
        result.Gamma = new double[steps * k];
        result.Xi = new double[Math.Max(0, steps - 1) * k * k];
        for (int p = 0; p < paths; p++)
        {
            int r = p;
            for (int t = steps - 1; t >= 0; t--) { z[t] = r % k; r /= k; }
            double w = Math.Exp(logJoint[p] - result.LogLikelihood);
            for (int t = 0; t < steps; t++) result.Gamma[t * k + z[t]] += w;
            for (int t = 0; t + 1 < steps; t++) result.Xi[t * k * k + z[t] * k + z[t + 1]] += w;
        }
        return result;
    }

    private static bool ReverseLess(int[] a, int[] b)
    {
        for (int t = a.Length - 1; t >= 0; t--)
            if (a[t] != b[t]) return a[t] < b[t];
        return false;
    }
}
