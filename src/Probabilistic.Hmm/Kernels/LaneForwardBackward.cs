using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Probabilistic.Hmm.Kernels;

/// <summary>
/// The scaled forward-backward recursions of <see cref="ForwardBackward"/> run on W = <see cref="Lanes"/> sequences at
/// once, one sequence per SIMD lane (<see cref="Vector{T}"/> of doubles: 4 with AVX2, 8 with AVX-512 when .NET's
/// vector width is 512). Every step is the same branch-free vector arithmetic for all lanes; lanes differ only in their
/// lengths, which masks handle, and in whether they stay in the normal range, which a per-lane flag records so that the
/// caller re-runs only the failing sequences on the exact one-sequence path (with its log-space fallback).
/// </summary>
/// <remarks>
/// Layout, "lane-interleaved": an array of T×K values per sequence becomes T×K×W, element [(t·K + k)·W + l] for lane
/// l, so that one vector holds state k at step t of all W sequences. <c>lengths</c> holds W step counts (0 for an
/// unused lane); steps at or past a lane's length are padding: their frame probabilities must be 1 (log 0), their
/// normaliser is taken as exactly 1 and their posteriors come out as 0, so a padded lane's results equal those of its
/// sequence alone. <c>ok</c> holds one flag per lane (all bits set = usable), cleared when a lane's emission
/// densities are NaN or ±∞ or its scaled forward pass underflows (c_t ≤ 1e-300, the threshold of
/// <see cref="ForwardBackward.ForwardScaled"/>). A cleared lane's outputs are garbage and must be ignored.
/// </remarks>
public static class LaneForwardBackward
{
    /// <summary>Sequences per vector, W.</summary>
    public static int Lanes => Vector<double>.Count;

    /// <summary>True when lanes pay: vectors are hardware-accelerated and hold at least two doubles.</summary>
    public static bool IsProfitable => Vector.IsHardwareAccelerated && Vector<double>.Count >= 2;

    /// <summary>
    /// Lane version of <see cref="ForwardBackward.ExponentiateRows"/>: shifts each (step, lane) row of the T×K×W log
    /// frame probabilities by its maximum over states and exponentiates it in place (one pass, the row in L1), and writes each lane's Σ_t shift to
    /// <paramref name="shift"/>. Lanes with a NaN or ±∞ row maximum get their flag cleared.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ExponentiateRows(Span<double> frame, int steps, int states, Span<double> shift, Span<long> ok)
    {
        int w = Lanes, k = states;
        ref double f = ref MemoryMarshal.GetReference(frame);
        var total = Vector<double>.Zero;
        var good = new Vector<long>(ok);
        var infinity = new Vector<double>(double.PositiveInfinity);
        for (int t = 0; t < steps; t++)
        {
            nuint row = (nuint)(t * k * w);
            var max = Vector.LoadUnsafe(ref f, row);
            var nan = ~Vector.Equals(max, max);
            for (int s = 1; s < k; s++)
            {
                var v = Vector.LoadUnsafe(ref f, row + (nuint)(s * w));
                nan |= ~Vector.Equals(v, v);
                max = Vector.Max(max, v);
            }
            // A row maximum that is NaN, −∞ (no state can emit) or +∞ (a degenerate state) sends the lane to the
            // one-sequence path, which refuses or reports it exactly as before.
            good &= ~nan & Vector.LessThan(Vector.Abs(max), infinity);
            max = Vector.ConditionalSelect(good, max, Vector<double>.Zero);
            total += max;
            for (int s = 0; s < k; s++)
            {
                nuint at = row + (nuint)(s * w);
                VectorMath.ExpNonPositive(Vector.LoadUnsafe(ref f, at) - max).StoreUnsafe(ref f, at);
            }
        }
        total.CopyTo(shift);
        good.CopyTo(ok);
    }

    /// <summary>
    /// Lane version of <see cref="ForwardBackward.ForwardScaled"/>: fills <paramref name="alpha"/> (T×K×W) with α̂_t,
    /// <paramref name="scale"/> (T×W) with c_t (exactly 1 on padding steps) and <paramref name="logScale"/> (W) with
    /// Σ_t log c_t, and clears the flag of every lane whose c_t falls to 1e-300 or below (or is NaN).
    /// </summary>
    /// <remarks>
    /// Σ log c_t is kept as a product split into mantissa and binary exponent at every step (c_t ≤ 1 since frames are
    /// at most 1, and above 1e-300 in a usable lane, so the product never leaves the normal range), and one logarithm
    /// per lane at the end replaces one per step.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<double> start, ReadOnlySpan<double> transitions, ReadOnlySpan<double> frameProb,
        int steps, int states, ReadOnlySpan<long> lengths, Span<double> alpha, Span<double> scale, Span<long> ok, Span<double> logScale)
    {
        int w = Lanes, k = states;
        ref double b = ref MemoryMarshal.GetReference(frameProb);
        ref double a = ref MemoryMarshal.GetReference(alpha);
        ref double c = ref MemoryMarshal.GetReference(scale);
        ref double tr = ref MemoryMarshal.GetReference(transitions);
        var length = new Vector<long>(lengths);
        var good = new Vector<long>(ok);
        var tiny = new Vector<double>(1e-300);
        var mantissa = Vector<double>.One;
        var exponent = Vector<long>.Zero;
        var exponentBits = new Vector<long>(0x7FF0_0000_0000_0000);
        var one = new Vector<long>(0x3FF0_0000_0000_0000);
        for (int t = 0; t < steps; t++)
        {
            nuint row = (nuint)(t * k * w), previous = row - (nuint)(k * w);
            var sum = Vector<double>.Zero;
            int j = 0;
            if (t == 0)
                for (; j < k; j++) sum += Emit(new Vector<double>(start[j]), ref b, ref a, row + (nuint)(j * w));
            else
            {
                // (α̂_{t−1} A)_j, summed over i in order as the one-sequence Axpy does, four states j at a time.
                ref double prev = ref Unsafe.Add(ref a, previous);
                for (; j <= k - 4; j += 4)
                {
                    Product4(ref prev, ref Unsafe.Add(ref tr, j), k, k, 1, out var y0, out var y1, out var y2, out var y3);
                    sum += Emit(y0, ref b, ref a, row + (nuint)(j * w));
                    sum += Emit(y1, ref b, ref a, row + (nuint)((j + 1) * w));
                    sum += Emit(y2, ref b, ref a, row + (nuint)((j + 2) * w));
                    sum += Emit(y3, ref b, ref a, row + (nuint)((j + 3) * w));
                }
                for (; j < k; j++) sum += Emit(Product1(ref prev, ref Unsafe.Add(ref tr, j), k, k), ref b, ref a, row + (nuint)(j * w));
            }
            var inside = Vector.LessThan(new Vector<long>(t), length);
            sum = Vector.ConditionalSelect(inside, sum, Vector<double>.One);
            good &= Vector.GreaterThan(sum, tiny);
            var inverse = Vector<double>.One / sum;
            for (int s = 0; s < k; s++)
            {
                nuint at = row + (nuint)(s * w);
                (Vector.LoadUnsafe(ref a, at) * inverse).StoreUnsafe(ref a, at);
            }
            sum.StoreUnsafe(ref c, (nuint)(t * w));
            var bits = Vector.AsVectorInt64(mantissa * sum);
            exponent += Vector.ShiftRightLogical(bits & exponentBits, 52) - new Vector<long>(1023);
            mantissa = Vector.AsVectorDouble((bits & ~exponentBits) | one);
        }
        good.CopyTo(ok);
        for (int l = 0; l < w; l++) logScale[l] = Math.Log(mantissa[l]) + exponent[l] * Math.Log(2);
    }

    /// <summary>
    /// The scaled backward pass with the E-step's sums, lane version of <see cref="ForwardBackward.BackwardScaled"/>,
    /// <see cref="ForwardBackward.AccumulateTransitions"/> and <see cref="ForwardBackward.StatePosteriors"/>: walking t
    /// down, w_{t+1} = b_{t+1} ⊙ β̂_{t+1} / c_{t+1} overwrites the frame row t+1 (0 on padding and in lanes whose flag
    /// is clear), β̂_t = A w_{t+1}, and <paramref name="gamma"/> (T×K×W) gets γ_t = α̂_t ⊙ β̂_t (0 on padding steps and
    /// unusable lanes); then <paramref name="outer"/>[i,j] (K×K×W) = Σ_t α̂_t[i] w_{t+1}[j] = Σ_t ξ_t(i,j) / A_ij, in 4×4
    /// tiles of states whose 16 sums stay in registers for the whole sweep over t. <paramref name="beta"/> is work for
    /// 2·K·W values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardAccumulate(ReadOnlySpan<double> transitions, Span<double> frameProb, ReadOnlySpan<double> scale,
        int steps, int states, ReadOnlySpan<long> lengths, ReadOnlySpan<long> ok, ReadOnlySpan<double> alpha, Span<double> gamma,
        Span<double> outer, Span<double> beta)
    {
        int w = Lanes, k = states, kw = k * w;
        ref double b = ref MemoryMarshal.GetReference(frameProb);
        ref double a = ref MemoryMarshal.GetReference(alpha);
        ref double g = ref MemoryMarshal.GetReference(gamma);
        ref double c = ref MemoryMarshal.GetReference(scale);
        ref double tr = ref MemoryMarshal.GetReference(transitions);
        ref double next = ref MemoryMarshal.GetReference(beta);   // β̂_{t+1}
        ref double cur = ref Unsafe.Add(ref next, kw);             // β̂_t
        var length = new Vector<long>(lengths);
        var good = new Vector<long>(ok);
        for (int t = steps - 1; t >= 0; t--)
        {
            nuint row = (nuint)(t * kw);
            var inside = Vector.LessThan(new Vector<long>(t), length) & good;
            if (t == steps - 1)
            {
                for (int i = 0; i < k; i++) Vector<double>.One.StoreUnsafe(ref cur, (nuint)(i * w));
            }
            else
            {
                // w_{t+1} into frame row t+1, zero where step t+1 is padding or the lane is unusable (so ξ gets nothing there).
                var after = Vector.LessThan(new Vector<long>(t + 1), length) & good;
                var inverse = Vector<double>.One / Vector.LoadUnsafe(ref c, (nuint)((t + 1) * w));
                ref double wt = ref Unsafe.Add(ref b, row + (nuint)kw);
                for (int s = 0; s < k; s++)
                {
                    nuint at = (nuint)(s * w);
                    var v = Vector.LoadUnsafe(ref wt, at) * Vector.LoadUnsafe(ref next, at) * inverse;
                    Vector.ConditionalSelect(after, v, Vector<double>.Zero).StoreUnsafe(ref wt, at);
                }
                // β̂_t = A w_{t+1}, four states i at a time; 1 at a lane's last step (and on its padding).
                var last = Vector.LessThan(new Vector<long>(t + 1), length);
                int i = 0;
                for (; i <= k - 4; i += 4)
                {
                    Product4(ref wt, ref Unsafe.Add(ref tr, i * k), k, 1, k, out var y0, out var y1, out var y2, out var y3);
                    Vector.ConditionalSelect(last, y0, Vector<double>.One).StoreUnsafe(ref cur, (nuint)(i * w));
                    Vector.ConditionalSelect(last, y1, Vector<double>.One).StoreUnsafe(ref cur, (nuint)((i + 1) * w));
                    Vector.ConditionalSelect(last, y2, Vector<double>.One).StoreUnsafe(ref cur, (nuint)((i + 2) * w));
                    Vector.ConditionalSelect(last, y3, Vector<double>.One).StoreUnsafe(ref cur, (nuint)((i + 3) * w));
                }
                for (; i < k; i++)
                    Vector.ConditionalSelect(last, Product1(ref wt, ref Unsafe.Add(ref tr, i * k), k, 1), Vector<double>.One).StoreUnsafe(ref cur, (nuint)(i * w));
            }
            for (int i = 0; i < k; i++)
            {
                nuint at = row + (nuint)(i * w);
                var product = Vector.LoadUnsafe(ref a, at) * Vector.LoadUnsafe(ref cur, (nuint)(i * w));
                Vector.ConditionalSelect(inside, product, Vector<double>.Zero).StoreUnsafe(ref g, at);
            }
            // β̂_t becomes β̂_{t+1} of the next (earlier) step.
            ref double swap = ref cur;
            cur = ref next;
            next = ref swap;
        }
        // Σ_t α̂_t[i] w_{t+1}[j]: 4×4 tiles, then the rows and columns left over one sum at a time.
        ref double o = ref MemoryMarshal.GetReference(outer);
        ref double w1 = ref Unsafe.Add(ref b, kw);
        int tiled = k - k % 4;
        for (int i = 0; i < tiled; i += 4)
            for (int j = 0; j < tiled; j += 4)
                OuterTile(ref Unsafe.Add(ref a, i * w), ref Unsafe.Add(ref w1, j * w), steps - 1, kw, ref Unsafe.Add(ref o, i * kw + j * w), kw);
        for (int i = 0; i < k; i++)
            for (int j = i < tiled ? tiled : 0; j < k; j++)
            {
                var sum = Vector<double>.Zero;
                for (int t = 0; t < steps - 1; t++)
                    sum = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref a, (nuint)(t * kw + i * w)), Vector.LoadUnsafe(ref w1, (nuint)(t * kw + j * w)), sum);
                sum.StoreUnsafe(ref o, (nuint)(i * kw + j * w));
            }
    }

    /// <summary>
    /// sums[r, c] = Σ_{t &lt; count} a_t[r] ⊙ b_t[c] for r, c = 0..3, rows of <paramref name="stride"/> values apart (4
    /// consecutive lane vectors each), written to <paramref name="sums"/> with rows <paramref name="sumStride"/> apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OuterTile(ref double a, ref double b, int count, int stride, ref double sums, int sumStride)
    {
        int w = Lanes;
        Vector<double> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default,
            s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
        for (int t = 0; t < count; t++)
        {
            nuint at = (nuint)(t * stride);
            var b0 = Vector.LoadUnsafe(ref b, at);
            var b1 = Vector.LoadUnsafe(ref b, at + (nuint)w);
            var b2 = Vector.LoadUnsafe(ref b, at + (nuint)(2 * w));
            var b3 = Vector.LoadUnsafe(ref b, at + (nuint)(3 * w));
            var a0 = Vector.LoadUnsafe(ref a, at);
            s00 = Vector.MultiplyAddEstimate(a0, b0, s00); s01 = Vector.MultiplyAddEstimate(a0, b1, s01);
            s02 = Vector.MultiplyAddEstimate(a0, b2, s02); s03 = Vector.MultiplyAddEstimate(a0, b3, s03);
            var a1 = Vector.LoadUnsafe(ref a, at + (nuint)w);
            s10 = Vector.MultiplyAddEstimate(a1, b0, s10); s11 = Vector.MultiplyAddEstimate(a1, b1, s11);
            s12 = Vector.MultiplyAddEstimate(a1, b2, s12); s13 = Vector.MultiplyAddEstimate(a1, b3, s13);
            var a2 = Vector.LoadUnsafe(ref a, at + (nuint)(2 * w));
            s20 = Vector.MultiplyAddEstimate(a2, b0, s20); s21 = Vector.MultiplyAddEstimate(a2, b1, s21);
            s22 = Vector.MultiplyAddEstimate(a2, b2, s22); s23 = Vector.MultiplyAddEstimate(a2, b3, s23);
            var a3 = Vector.LoadUnsafe(ref a, at + (nuint)(3 * w));
            s30 = Vector.MultiplyAddEstimate(a3, b0, s30); s31 = Vector.MultiplyAddEstimate(a3, b1, s31);
            s32 = Vector.MultiplyAddEstimate(a3, b2, s32); s33 = Vector.MultiplyAddEstimate(a3, b3, s33);
        }
        Store4(ref sums, 0, w, s00, s01, s02, s03);
        Store4(ref sums, (nuint)sumStride, w, s10, s11, s12, s13);
        Store4(ref sums, (nuint)(2 * sumStride), w, s20, s21, s22, s23);
        Store4(ref sums, (nuint)(3 * sumStride), w, s30, s31, s32, s33);
    }

    private static void Store4(ref double into, nuint at, int w, Vector<double> v0, Vector<double> v1, Vector<double> v2, Vector<double> v3)
    {
        v0.StoreUnsafe(ref into, at);
        v1.StoreUnsafe(ref into, at + (nuint)w);
        v2.StoreUnsafe(ref into, at + (nuint)(2 * w));
        v3.StoreUnsafe(ref into, at + (nuint)(3 * w));
    }

    /// <summary>Multiplies state j's vector by its frame probabilities, stores it at <paramref name="at"/> of α̂ and returns it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Emit(Vector<double> predicted, ref double frame, ref double alpha, nuint at)
    {
        var v = predicted * Vector.LoadUnsafe(ref frame, at);
        v.StoreUnsafe(ref alpha, at);
        return v;
    }

    /// <summary>y_r = Σ_i v_i · m[i·sumStride + r·outStride] for r = 0..3: four outputs share each load of v_i (K lane vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Product4(ref double vectors, ref double matrix, int count, int sumStride, int outStride,
        out Vector<double> y0, out Vector<double> y1, out Vector<double> y2, out Vector<double> y3)
    {
        y0 = y1 = y2 = y3 = Vector<double>.Zero;
        for (int i = 0; i < count; i++)
        {
            var v = Vector.LoadUnsafe(ref vectors, (nuint)(i * Lanes));
            ref double m = ref Unsafe.Add(ref matrix, i * sumStride);
            y0 = Vector.MultiplyAddEstimate(v, new Vector<double>(m), y0);
            y1 = Vector.MultiplyAddEstimate(v, new Vector<double>(Unsafe.Add(ref m, outStride)), y1);
            y2 = Vector.MultiplyAddEstimate(v, new Vector<double>(Unsafe.Add(ref m, 2 * outStride)), y2);
            y3 = Vector.MultiplyAddEstimate(v, new Vector<double>(Unsafe.Add(ref m, 3 * outStride)), y3);
        }
    }

    /// <summary>One output of <see cref="Product4"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Product1(ref double vectors, ref double matrix, int count, int sumStride)
    {
        var y = Vector<double>.Zero;
        for (int i = 0; i < count; i++)
            y = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref vectors, (nuint)(i * Lanes)), new Vector<double>(Unsafe.Add(ref matrix, i * sumStride)), y);
        return y;
    }
}
