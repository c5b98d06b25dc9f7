using Probabilistic.Hmm.Emissions;
using Probabilistic.Hmm.Kernels;

namespace Probabilistic.Hmm;

/// <summary>Per-thread buffers for one group of W sequences in lanes (grown on demand, never shrunk).</summary>
internal sealed class LaneWorkspace(int states)
{
    private static int W => LaneForwardBackward.Lanes;
    public readonly long[] Lengths = new long[W];
    public readonly long[] Ok = new long[W];
    public readonly double[] Shift = new double[W];
    public readonly double[] LogLikelihood = new double[W];
    public readonly double[] Outer = new double[states * states * W];
    public readonly double[] Delta = new double[3 * states * W];   // β̂ work (2KW) or Viterbi δ (3KW)
    public double[] Observations = [];  // T×D×W
    public double[] Frame = [];         // T×K×W
    public double[] Alpha = [];         // T×K×W
    public double[] Gamma = [];         // T×K×W
    public double[] Scale = [];         // T×W
    public long[] BackPointers = [];    // T×K×W
    public int[] Paths = [];            // W×T

    public void Ensure(int steps, int dimension, bool viterbi)
    {
        int n = steps * states * W;
        if (Frame.Length < n) { Frame = new double[n]; Alpha = new double[n]; Gamma = new double[n]; Scale = new double[steps * W]; }
        if (Observations.Length < steps * dimension * W) Observations = new double[steps * dimension * W];
        if (viterbi && BackPointers.Length < n) { BackPointers = new long[n]; Paths = new int[steps * W]; }
    }
}

/// <summary>
/// Runs the E-step, scoring and Viterbi on groups of W = <see cref="LaneForwardBackward.Lanes"/> sequences at once (one
/// per SIMD lane), and re-runs on the one-sequence path only the sequences whose lane could not finish: densities
/// that are NaN or ±∞, or a scaled forward pass that underflows (that path then falls back to log space, refuses, or
/// reports probability zero exactly as before).
/// </summary>
internal static class SequenceLanes
{
    /// <summary>Above this many states the one-sequence kernels, vectorised over states, are as fast and the K×K×W sums leave L1.</summary>
    public const int MaxStates = 16;

    /// <summary>True when a model of <paramref name="states"/> states should run on lanes on this machine.</summary>
    public static bool Use(int states) => LaneForwardBackward.IsProfitable && states <= MaxStates;

    /// <summary>
    /// Sequences <paramref name="from"/> .. <paramref name="to"/>−1 in groups of at most W, longest first (ties by index),
    /// so that the lanes of a group have similar lengths and little padding.
    /// </summary>
    public static int[][] Groups(SequenceSet data, int from, int to) =>
        Enumerable.Range(from, to - from).OrderByDescending(data.Length).ThenBy(n => n).Chunk(LaneForwardBackward.Lanes).ToArray();

    /// <summary>Cumulative padded lengths of <paramref name="groups"/> (Count + 1 entries): their cost, for cutting them into blocks.</summary>
    public static long[] Offsets(SequenceSet data, int[][] groups)
    {
        var offsets = new long[groups.Length + 1];
        for (int g = 0; g < groups.Length; g++) offsets[g + 1] = offsets[g] + groups[g].Max(data.Length);
        return offsets;
    }

    /// <summary>
    /// Adds the expected counts of the sequences of <paramref name="group"/> to <paramref name="counts"/>; returns −1, or
    /// the index of a sequence with probability zero (nothing of it added).
    /// </summary>
    public static int Accumulate<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> model, SequenceSet data, int[] group,
        SequenceWorkspace ws, ExpectedCounts<TStats> counts)
        where TEmission : IEmissionModel<TEmission, TStats> where TStats : class
    {
        int k = model.StateCount, w = LaneForwardBackward.Lanes;
        var lanes = ws.Lanes;
        int steps = Load(model, data, group, ws, viterbi: false);
        LaneForwardBackward.ExponentiateRows(lanes.Frame, steps, k, lanes.Shift, lanes.Ok);
        LaneForwardBackward.Forward(model.StartSpan, model.TransitionSpan, lanes.Frame, steps, k, lanes.Lengths, lanes.Alpha, lanes.Scale, lanes.Ok,
            lanes.LogLikelihood);
        LaneForwardBackward.BackwardAccumulate(model.TransitionSpan, lanes.Frame, lanes.Scale, steps, k, lanes.Lengths, lanes.Ok,
            lanes.Alpha, lanes.Gamma, lanes.Outer, lanes.Delta);
        var transitions = model.TransitionSpan;
        for (int l = 0; l < group.Length; l++)
        {
            if (lanes.Ok[l] == 0) continue;
            counts.LogLikelihood += lanes.LogLikelihood[l] + lanes.Shift[l];
            for (int j = 0; j < k; j++) counts.Start[j] += lanes.Gamma[j * w + l];
        }
        for (int i = 0; i < k * k; i++)
        {
            double sum = 0;
            for (int l = 0; l < group.Length; l++) if (lanes.Ok[l] != 0) sum += lanes.Outer[i * w + l];
            counts.Transitions[i] += sum * transitions[i];
        }
        if (model.Emission is ILaneEmission<TStats> laneEmission)
            laneEmission.LaneAccumulate(counts.Emission, lanes.Observations, steps, lanes.Gamma);
        else
        {
            for (int l = 0; l < group.Length; l++)
            {
                if (lanes.Ok[l] == 0) continue;
                int n = group[l];
                Gather(lanes.Gamma, l, data.Length(n), k, ws.Beta);
                model.Emission.Accumulate(counts.Emission, data.Sequence(n), data.Length(n), ws.Beta);
            }
        }
        for (int l = 0; l < group.Length; l++)
        {
            if (lanes.Ok[l] != 0) continue;
            int n = group[l];
            if (double.IsNegativeInfinity(BaumWelchSteps.Accumulate(model, data.Sequence(n), data.Length(n), ws, counts))) return n;
        }
        return -1;
    }

    /// <summary>log p(x_n) of each sequence of <paramref name="group"/> into <paramref name="result"/>[n] (−∞ for an impossible one).</summary>
    public static void Score<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> model, SequenceSet data, int[] group,
        SequenceWorkspace ws, double[] result)
        where TEmission : IEmissionModel<TEmission, TStats> where TStats : class
    {
        var lanes = ws.Lanes;
        int k = model.StateCount, steps = Load(model, data, group, ws, viterbi: false);
        LaneForwardBackward.ExponentiateRows(lanes.Frame, steps, k, lanes.Shift, lanes.Ok);
        LaneForwardBackward.Forward(model.StartSpan, model.TransitionSpan, lanes.Frame, steps, k, lanes.Lengths, lanes.Alpha, lanes.Scale, lanes.Ok,
            lanes.LogLikelihood);
        for (int l = 0; l < group.Length; l++)
        {
            int n = group[l];
            result[n] = lanes.Ok[l] != 0 ? lanes.LogLikelihood[l] + lanes.Shift[l] : model.Forward(data.Sequence(n), data.Length(n), ws, model.StartSpan);
        }
    }

    /// <summary>
    /// The Viterbi paths of the sequences of <paramref name="group"/> into <paramref name="result"/>[n]; returns −1, or
    /// the index of a sequence with probability zero.
    /// </summary>
    public static int Viterbi<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> model, SequenceSet data, int[] group,
        SequenceWorkspace ws, DecodedPath[] result)
        where TEmission : IEmissionModel<TEmission, TStats> where TStats : class
    {
        var lanes = ws.Lanes;
        int k = model.StateCount, steps = Load(model, data, group, ws, viterbi: true);
        var scores = lanes.LogLikelihood;
        LaneViterbi.Decode(model.LogStartSpan, model.LogTransitionSpan, lanes.Frame, steps, k, lanes.Lengths, scores, lanes.Paths,
            lanes.Delta, lanes.BackPointers);
        for (int l = 0; l < group.Length; l++)
        {
            int n = group[l], length = data.Length(n);
            var path = new int[length];
            double score = scores[l];
            if (double.IsFinite(score)) lanes.Paths.AsSpan(l * steps, length).CopyTo(path);
            else score = model.Viterbi(data.Sequence(n), length, ws, path);
            if (double.IsNegativeInfinity(score)) return n;
            result[n] = new DecodedPath(path, score);
        }
        return -1;
    }

    /// <summary>
    /// Fills the lane workspace for <paramref name="group"/>: lengths (0 for unused lanes), usable flags, interleaved
    /// observations (zero padding) and log densities (zero, i.e. probability 1, on padding). Returns the longest length.
    /// </summary>
    private static int Load<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> model, SequenceSet data, int[] group,
        SequenceWorkspace ws, bool viterbi)
        where TEmission : IEmissionModel<TEmission, TStats> where TStats : class
    {
        int k = model.StateCount, d = data.Dimension, w = LaneForwardBackward.Lanes;
        var lanes = ws.Lanes;
        int steps = group.Max(data.Length);
        lanes.Ensure(steps, d, viterbi);
        for (int l = 0; l < w; l++)
        {
            lanes.Lengths[l] = l < group.Length ? data.Length(group[l]) : 0;
            lanes.Ok[l] = l < group.Length ? -1 : 0;
        }
        var x = lanes.Observations.AsSpan(0, steps * d * w);
        x.Clear();
        for (int l = 0; l < group.Length; l++) Scatter(data.Sequence(group[l]), l, data.Length(group[l]), d, x);
        var frame = lanes.Frame.AsSpan(0, steps * k * w);
        if (model.Emission is ILaneEmission<TStats> laneEmission)
        {
            laneEmission.LaneLogLikelihoods(x, steps, frame);
            // Padding steps must have log density 0, whatever the padding observations gave.
            for (int l = 0; l < w; l++)
                for (int t = (int)lanes.Lengths[l]; t < steps; t++)
                    for (int j = 0; j < k; j++) frame[(t * k + j) * w + l] = 0;
            return steps;
        }
        frame.Clear();
        ws.Ensure(steps);
        for (int l = 0; l < group.Length; l++)
        {
            int n = group[l], length = data.Length(n);
            model.Emission.LogLikelihoods(data.Sequence(n), length, ws.Frame);
            Scatter(ws.Frame, l, length, k, frame);
        }
        return steps;
    }

    /// <summary>Writes a T×<paramref name="width"/> array of one sequence into lane <paramref name="lane"/> of a lane-interleaved array.</summary>
    private static void Scatter(ReadOnlySpan<double> rows, int lane, int steps, int width, Span<double> lanes)
    {
        int w = LaneForwardBackward.Lanes;
        for (int i = 0; i < steps * width; i++) lanes[i * w + lane] = rows[i];
    }

    /// <summary>Reads lane <paramref name="lane"/> of a lane-interleaved T×K array back into a T×K array.</summary>
    private static void Gather(ReadOnlySpan<double> lanes, int lane, int steps, int states, Span<double> rows)
    {
        int w = LaneForwardBackward.Lanes;
        for (int i = 0; i < steps * states; i++) rows[i] = lanes[i * w + lane];
    }
}
