using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Probabilistic.Hmm.Kernels;

/// <summary>
/// Forward-backward recursions over one sequence, as plain functions over row-major arrays (hmmlearn's
/// <c>forward_log</c>/<c>backward_log</c> shape). The scaled kernels work in linear space with a per-step normaliser
/// c_t (Rabiner's scaling) on frame probabilities that were shifted by their row maximum, so nothing underflows
/// however long the sequence is; the log-space kernels are the slow, exact fallback and the test reference.
/// </summary>
/// <remarks>
/// Shapes: T steps, K states. <c>frameProb</c>/<c>logFrameProb</c> are T×K (row t = p(x_t | state k));
/// <c>transitions</c> is K×K row-stochastic (row i = p(next | i)); <c>alpha</c>, <c>beta</c>, <c>gamma</c> are T×K.
/// Scaled quantities: α̂_t = p(z_t | x_1..t), β̂_t such that γ_t = α̂_t ⊙ β̂_t, and
/// log p(x_1..T) = Σ_t (log c_t + rowShift_t).
/// </remarks>
public static class ForwardBackward
{
    /// <summary>
    /// Turns log frame probabilities (T×K) into frame probabilities shifted by each row's maximum, in place, and
    /// returns Σ_t max_k logFrameProb[t,k] (the log of the shifts). Returns −∞ when some step has probability zero
    /// under every state, and throws on NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ExponentiateRows(Span<double> frame, int steps, int states)
    {
        double shift = 0;
        for (int t = 0; t < steps; t++)
        {
            var row = frame.Slice(t * states, states);
            double max = double.NegativeInfinity;
            for (int k = 0; k < states; k++)
            {
                double v = row[k];
                if (double.IsNaN(v)) throw new ArgumentException($"The emission log-density of step {t}, state {k} is NaN.");
                if (v > max) max = v;
            }
            if (double.IsNegativeInfinity(max)) return double.NegativeInfinity;
            if (double.IsPositiveInfinity(max)) throw new ArgumentException($"The emission log-density of step {t} is +∞ (a degenerate state, e.g. zero variance).");
            shift += max;
            TensorPrimitives.Subtract(row, max, row);
        }
        // One vectorised exp over the whole block.
        VectorMath.ExpNonPositive(frame[..(steps * states)]);
        return shift;
    }

    /// <summary>
    /// Scaled forward pass: fills <paramref name="alpha"/> with α̂_t and <paramref name="scale"/> with c_t and returns
    /// Σ log c_t (add the row shift for the log-likelihood). Returns −∞ (alpha then undefined from that step) when
    /// some c_t underflows to zero or below the normal range, so the caller can fall back to log space.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ForwardScaled(ReadOnlySpan<double> start, ReadOnlySpan<double> transitions, ReadOnlySpan<double> frameProb,
        int steps, int states, Span<double> alpha, Span<double> scale)
    {
        int k = states;
        double logSum = 0;
        var a0 = alpha[..k];
        double c = 0;
        for (int j = 0; j < k; j++) { a0[j] = start[j] * frameProb[j]; c += a0[j]; }
        if (!(c > 1e-300)) return double.NegativeInfinity;
        Scale(a0, 1.0 / c);
        scale[0] = c;
        logSum += Math.Log(c);
        for (int t = 1; t < steps; t++)
        {
            var prev = alpha.Slice((t - 1) * k, k);
            var next = alpha.Slice(t * k, k);
            next.Clear();
            for (int i = 0; i < k; i++)
                Axpy(prev[i], transitions.Slice(i * k, k), next);
            c = MultiplySum(next, frameProb.Slice(t * k, k));
            if (!(c > 1e-300)) return double.NegativeInfinity;
            Scale(next, 1.0 / c);
            scale[t] = c;
            logSum += Math.Log(c);
        }
        return logSum;
    }

    /// <summary>Scaled backward pass matching <see cref="ForwardScaled"/>: β̂_{T−1} = 1, β̂_t = A (b_{t+1} ⊙ β̂_{t+1}) / c_{t+1}.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardScaled(ReadOnlySpan<double> transitions, ReadOnlySpan<double> frameProb, ReadOnlySpan<double> scale,
        int steps, int states, Span<double> beta, Span<double> work)
    {
        int k = states;
        beta.Slice((steps - 1) * k, k).Fill(1.0);
        var w = work[..k];
        for (int t = steps - 2; t >= 0; t--)
        {
            var after = beta.Slice((t + 1) * k, k);
            var b = frameProb.Slice((t + 1) * k, k);
            double inv = 1.0 / scale[t + 1];
            for (int j = 0; j < k; j++) w[j] = b[j] * after[j] * inv;
            var cur = beta.Slice(t * k, k);
            for (int i = 0; i < k; i++) cur[i] = Dot(transitions.Slice(i * k, k), w);
        }
    }

    /// <summary>γ_t = α̂_t ⊙ β̂_t (each row sums to 1), written into <paramref name="gamma"/> (may alias alpha).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void StatePosteriors(ReadOnlySpan<double> alpha, ReadOnlySpan<double> beta, int steps, int states, Span<double> gamma)
    {
        int n = steps * states;
        for (int i = 0; i < n; i++) gamma[i] = alpha[i] * beta[i];
    }

    /// <summary>
    /// Adds Σ_t ξ_t(i,j) = Σ_t α̂_t[i] A[i,j] b_{t+1}[j] β̂_{t+1}[j] / c_{t+1} into the K×K <paramref name="counts"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateTransitions(ReadOnlySpan<double> alpha, ReadOnlySpan<double> beta, ReadOnlySpan<double> frameProb,
        ReadOnlySpan<double> scale, ReadOnlySpan<double> transitions, int steps, int states, Span<double> counts, Span<double> work)
    {
        int k = states;
        // Σ_t α̂_t[i] w_{t+1}[j], then times A[i,j] once at the end.
        var outer = work[..(k * k)];
        var w = work.Slice(k * k, k);
        outer.Clear();
        for (int t = 0; t < steps - 1; t++)
        {
            var a = alpha.Slice(t * k, k);
            var b = frameProb.Slice((t + 1) * k, k);
            var after = beta.Slice((t + 1) * k, k);
            double inv = 1.0 / scale[t + 1];
            for (int j = 0; j < k; j++) w[j] = b[j] * after[j] * inv;
            for (int i = 0; i < k; i++) Axpy(a[i], w, outer.Slice(i * k, k));
        }
        for (int i = 0; i < k * k; i++) counts[i] += outer[i] * transitions[i];
    }

    /// <summary>Log-space forward pass: logAlpha[t,j] = log p(x_1..t, z_t = j). Returns log p(x_1..T).</summary>
    public static double ForwardLog(ReadOnlySpan<double> logStart, ReadOnlySpan<double> logTransitions, ReadOnlySpan<double> logFrameProb,
        int steps, int states, Span<double> logAlpha, Span<double> work)
    {
        int k = states;
        var tmp = work[..k];
        for (int j = 0; j < k; j++) logAlpha[j] = logStart[j] + logFrameProb[j];
        for (int t = 1; t < steps; t++)
        {
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < k; i++) tmp[i] = logAlpha[(t - 1) * k + i] + logTransitions[i * k + j];
                logAlpha[t * k + j] = Core.Numerics.LogSpace.LogSumExp(tmp) + logFrameProb[t * k + j];
            }
        }
        return Core.Numerics.LogSpace.LogSumExp(logAlpha.Slice((steps - 1) * k, k));
    }

    /// <summary>Log-space backward pass: logBeta[t,i] = log p(x_{t+1}..T | z_t = i).</summary>
    public static void BackwardLog(ReadOnlySpan<double> logTransitions, ReadOnlySpan<double> logFrameProb,
        int steps, int states, Span<double> logBeta, Span<double> work)
    {
        int k = states;
        var tmp = work[..k];
        logBeta.Slice((steps - 1) * k, k).Clear();
        for (int t = steps - 2; t >= 0; t--)
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++) tmp[j] = logTransitions[i * k + j] + logFrameProb[(t + 1) * k + j] + logBeta[(t + 1) * k + j];
                logBeta[t * k + i] = Core.Numerics.LogSpace.LogSumExp(tmp);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var va = new Vector<double>(a);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                var vy = new Vector<double>(y[i..]) + va * new Vector<double>(x[i..]);
                vy.CopyTo(y[i..]);
            }
        }
        for (; i < n; i++) y[i] += a * x[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length, i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
                acc += new Vector<double>(x[i..]) * new Vector<double>(y[i..]);
            s = Vector.Sum(acc);
        }
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }

    /// <summary>x ← x ⊙ y; returns Σ x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double MultiplySum(Span<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length, i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                var v = new Vector<double>(x[i..]) * new Vector<double>(y[i..]);
                v.CopyTo(x[i..]);
                acc += v;
            }
            s = Vector.Sum(acc);
        }
        for (; i < n; i++) { x[i] *= y[i]; s += x[i]; }
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Scale(Span<double> x, double a)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= a;
    }
}
