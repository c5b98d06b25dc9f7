using Probabilistic.Hmm.Kernels;

namespace Probabilistic.Hmm;

/// <summary>Per-thread buffers for one sequence at a time (grown on demand, never shrunk): no allocation per sequence.</summary>
internal sealed class SequenceWorkspace(int states)
{
    public readonly int States = states;
    public double[] Frame = [];   // T×K log densities, then shifted probabilities
    public double[] Alpha = [];   // T×K
    public double[] Beta = [];    // T×K, then γ
    public double[] Scale = [];   // T
    public double[] Work = new double[states * states + 2 * states];
    public int[] Path = [];
    public int[] BackPointers = [];
    private LaneWorkspace? _lanes;

    /// <summary>Buffers for running W sequences in lanes, made on first use.</summary>
    public LaneWorkspace Lanes => _lanes ??= new LaneWorkspace(States);

    public void Ensure(int steps, bool viterbi = false)
    {
        int n = steps * States;
        if (Frame.Length < n) { Frame = new double[n]; Alpha = new double[n]; Beta = new double[n]; Scale = new double[steps]; }
        if (viterbi && Path.Length < steps) { Path = new int[steps]; BackPointers = new int[n]; }
    }
}

/// <summary>The outcome of forward-backward on one sequence held in a workspace.</summary>
internal enum PassResult { Ok, ZeroProbability }

internal static class SequencePasses
{
    /// <summary>
    /// Forward (and backward when asked) over one sequence whose log frame probabilities are already in ws.Frame.
    /// On success ws.Beta holds γ (when backward) and ws.Frame the shifted frame probabilities; the log-likelihood is
    /// returned. Falls back to exact log-space recursions when the scaled pass underflows, and then writes the same
    /// quantities (α̂, β̂, c_t, shifted frames) so that callers need not care which path ran.
    /// </summary>
    public static double Run(ReadOnlySpan<double> start, ReadOnlySpan<double> transitions, ReadOnlySpan<double> logStart,
        ReadOnlySpan<double> logTransitions, SequenceWorkspace ws, int steps, bool backward)
    {
        int k = ws.States, n = steps * k;
        var frame = ws.Frame.AsSpan(0, n);
        // Keep the log densities in Beta for a possible log-space fallback (Beta is rewritten later anyway).
        frame.CopyTo(ws.Beta);
        double shift = ForwardBackward.ExponentiateRows(frame, steps, k);
        if (double.IsNegativeInfinity(shift)) return double.NegativeInfinity;
        double logScale = ForwardBackward.ForwardScaled(start, transitions, frame, steps, k, ws.Alpha, ws.Scale);
        if (double.IsNegativeInfinity(logScale))
            return RunLog(logStart, logTransitions, ws, steps, backward);
        if (backward)
        {
            ForwardBackward.BackwardScaled(transitions, frame, ws.Scale, steps, k, ws.Beta, ws.Work);
        }
        return logScale + shift;
    }

    /// <summary>The exact log-space path; converts its results to the scaled convention (c_t, α̂, β̂, shifted frames).</summary>
    private static double RunLog(ReadOnlySpan<double> logStart, ReadOnlySpan<double> logTransitions, SequenceWorkspace ws, int steps, bool backward)
    {
        int k = ws.States, n = steps * k;
        var logFrame = ws.Beta.AsSpan(0, n).ToArray();
        var logAlpha = new double[n];
        double ll = ForwardBackward.ForwardLog(logStart, logTransitions, logFrame, steps, k, logAlpha, ws.Work);
        if (double.IsNegativeInfinity(ll)) return ll;
        var logBeta = new double[n];
        if (backward) ForwardBackward.BackwardLog(logTransitions, logFrame, steps, k, logBeta, ws.Work);
        // Rewrite in the scaled convention with c_t = 1: frames shifted by log p(x_t | x_1..t−1) = L_t − L_{t−1},
        // α̂_t = exp(logα_t − L_t), β̂_t = exp(logβ_t + L_t − log p(x)); then γ = α̂ ⊙ β̂ and
        // ξ_t(i,j) = α̂_t[i] A_ij b̂_{t+1}[j] β̂_{t+1}[j] exactly as in the scaled path.
        double previous = 0;
        for (int t = 0; t < steps; t++)
        {
            var la = logAlpha.AsSpan(t * k, k);
            double lt = Core.Numerics.LogSpace.LogSumExp(la);
            double step = lt - previous;
            for (int j = 0; j < k; j++)
            {
                ws.Alpha[t * k + j] = Math.Exp(la[j] - lt);
                ws.Frame[t * k + j] = Math.Exp(logFrame[t * k + j] - step);
                if (backward) ws.Beta[t * k + j] = Math.Exp(logBeta[t * k + j] + lt - ll);
            }
            ws.Scale[t] = 1.0;
            previous = lt;
        }
        return ll;
    }
}
