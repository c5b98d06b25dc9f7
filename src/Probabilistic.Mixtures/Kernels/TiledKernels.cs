using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Numerics.Vector<double>;

namespace Probabilistic.Mixtures.Kernels;

/// <summary>
/// The register-tiled micro-kernels of <see cref="EStepKernels.EStepBlock"/>: small dense GEMMs over a block of points
/// stored dimension-major (row i of the block at <c>x + i·stride</c>), SIMD across points with <see cref="Vector{T}"/> and
/// fused multiply-adds (<see cref="Vector.MultiplyAddEstimate(Vector{double}, Vector{double}, Vector{double})"/>: one FMA
/// where the CPU has it, a multiply and an add where it does not). Each tile keeps 16 accumulators in registers and loads
/// at most one operand per two FMAs. Block lengths <c>b</c> are multiples of 4·<see cref="Vector{T}.Count"/>.
/// </summary>
internal static class TiledKernels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Fma(V a, V b, V c) => Vector.MultiplyAddEstimate(a, b, c);

    /// <summary>
    /// logp[p] = log w_c + log N(x_p; μ_c, Σ_c) for the b points of a block, full covariance: four rows of U times four
    /// vectors of points per tile, y = U x' − U μ' accumulated in registers, then ‖y‖² (see <see cref="BlockFactors"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FullLogDensity(ref double x, nint stride, int b, BlockFactors f, int c, ref double logp)
    {
        int d = f.Dimension, tiles = (d + BlockFactors.Rows - 1) / BlockFactors.Rows, w = V.Count;
        ref double panels = ref f.Panels[c * f.PanelLength];
        ref double offsets = ref f.Offsets[c * tiles * BlockFactors.Rows];
        var norm = new V(f.LogNormalizers[c]);
        for (int v = 0; v < b; v += 4 * w)
        {
            V m0 = default, m1 = default, m2 = default, m3 = default;
            ref double u = ref panels;
            for (int t = 0; t < tiles; t++)
            {
                ref double o = ref Unsafe.Add(ref offsets, 4 * t);
                V a00 = -new V(o), a10 = -new V(Unsafe.Add(ref o, 1)), a20 = -new V(Unsafe.Add(ref o, 2)), a30 = -new V(Unsafe.Add(ref o, 3));
                V a01 = a00, a02 = a00, a03 = a00, a11 = a10, a12 = a10, a13 = a10;
                V a21 = a20, a22 = a20, a23 = a20, a31 = a30, a32 = a30, a33 = a30;
                int cols = Math.Min(4 * t + 4, d);
                ref double xi = ref Unsafe.Add(ref x, v);
                for (int i = 0; i < cols; i++)
                {
                    var x0 = Vector.LoadUnsafe(ref xi);
                    var x1 = Vector.LoadUnsafe(ref xi, (nuint)w);
                    var x2 = Vector.LoadUnsafe(ref xi, (nuint)(2 * w));
                    var x3 = Vector.LoadUnsafe(ref xi, (nuint)(3 * w));
                    var u0 = new V(u);
                    a00 = Fma(u0, x0, a00); a01 = Fma(u0, x1, a01); a02 = Fma(u0, x2, a02); a03 = Fma(u0, x3, a03);
                    var u1 = new V(Unsafe.Add(ref u, 1));
                    a10 = Fma(u1, x0, a10); a11 = Fma(u1, x1, a11); a12 = Fma(u1, x2, a12); a13 = Fma(u1, x3, a13);
                    var u2 = new V(Unsafe.Add(ref u, 2));
                    a20 = Fma(u2, x0, a20); a21 = Fma(u2, x1, a21); a22 = Fma(u2, x2, a22); a23 = Fma(u2, x3, a23);
                    var u3 = new V(Unsafe.Add(ref u, 3));
                    a30 = Fma(u3, x0, a30); a31 = Fma(u3, x1, a31); a32 = Fma(u3, x2, a32); a33 = Fma(u3, x3, a33);
                    u = ref Unsafe.Add(ref u, 4);
                    xi = ref Unsafe.Add(ref xi, stride);
                }
                m0 = Fma(a00, a00, Fma(a10, a10, Fma(a20, a20, Fma(a30, a30, m0))));
                m1 = Fma(a01, a01, Fma(a11, a11, Fma(a21, a21, Fma(a31, a31, m1))));
                m2 = Fma(a02, a02, Fma(a12, a12, Fma(a22, a22, Fma(a32, a32, m2))));
                m3 = Fma(a03, a03, Fma(a13, a13, Fma(a23, a23, Fma(a33, a33, m3))));
            }
            StoreLogDensities(ref Unsafe.Add(ref logp, v), norm, m0, m1, m2, m3);
        }
    }

    /// <summary>log w + log N = norm − ½ m for four vectors of points, m the Mahalanobis distances.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLogDensities(ref double to, V norm, V m0, V m1, V m2, V m3)
    {
        var minusHalf = new V(-0.5);
        nuint w = (nuint)Vector<double>.Count;
        Fma(minusHalf, m0, norm).StoreUnsafe(ref to);
        Fma(minusHalf, m1, norm).StoreUnsafe(ref to, w);
        Fma(minusHalf, m2, norm).StoreUnsafe(ref to, 2 * w);
        Fma(minusHalf, m3, norm).StoreUnsafe(ref to, 3 * w);
    }

    /// <summary>
    /// Log-responsibilities this far or further below a point's best component give responsibility 0: exp of them is
    /// below 1e-304, invisible beside a sum of at least 1, and the arguments stay inside the range <see cref="Exp"/> handles.
    /// </summary>
    private const double MinLogRatio = -700;

    /// <summary>
    /// Rows of log w_c + log N(x; μ_c, Σ_c) [K×b] into responsibilities in place, and log p(x) = logsumexp over the
    /// components into <paramref name="norm"/> [b] (<paramref name="max"/> [b] is scratch). One vector of points at a time:
    /// the maximum over the components, then e = exp(logp − max) (<see cref="Exp"/>, inline, so the block is read and
    /// written twice instead of five times through <c>TensorPrimitives.Exp</c>) and its sum, then e / sum; with AVX-512,
    /// eight points at a time (<see cref="Exp512"/>). Differences at or below <see cref="MinLogRatio"/> give 0 (their
    /// exponentials are computed but discarded, and a vector of points all that far below their best component skips
    /// the exponential); a NaN difference stays NaN, so a bad parameter still shows in the log-likelihood.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Responsibilities(Span<double> logp, int k, int b, Span<double> max, Span<double> norm)
    {
        int w = Vector<double>.Count;
        ref double lp = ref MemoryMarshal.GetReference(logp);
        ref double mx = ref MemoryMarshal.GetReference(max);
        ref double sm = ref MemoryMarshal.GetReference(norm);
        var floor = new V(MinLogRatio);
        int from = Avx512F.IsSupported ? Responsibilities512(ref lp, k, b, ref mx, ref sm) : 0;
        for (int v = from; v < b; v += w)
        {
            ref double at = ref Unsafe.Add(ref lp, v);
            var m = Vector.LoadUnsafe(ref at);
            for (int c = 1; c < k; c++) m = Vector.MaxNative(m, Vector.LoadUnsafe(ref at, (nuint)(c * b)));
            V sum = default;
            for (int c = 0; c < k; c++)
            {
                var diff = Vector.LoadUnsafe(ref at, (nuint)(c * b)) - m;
                var drop = Vector.LessThanOrEqual(diff, floor);
                var e = Vector.EqualsAll(drop, -Vector<long>.One) ? V.Zero : Vector.ConditionalSelect(drop, V.Zero, Exp(diff));
                e.StoreUnsafe(ref at, (nuint)(c * b));
                sum += e;
            }
            var inverse = V.One / sum;
            for (int c = 0; c < k; c++) (Vector.LoadUnsafe(ref at, (nuint)(c * b)) * inverse).StoreUnsafe(ref at, (nuint)(c * b));
            m.StoreUnsafe(ref mx, (nuint)v);
            sum.StoreUnsafe(ref sm, (nuint)v);
        }
        TensorPrimitives.Log(norm[..b], norm[..b]);
        TensorPrimitives.Add(norm[..b], max[..b], norm[..b]);
    }

    /// <summary>
    /// The loop of <see cref="Responsibilities"/> over whole 8-point vectors with AVX-512 (<see cref="Exp512"/>); returns
    /// the points done. The same arithmetic in wider registers: half the instructions per point where the exponential
    /// dominates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Responsibilities512(ref double lp, int k, int b, ref double mx, ref double sm)
    {
        var floor = Vector512.Create(MinLogRatio);
        int v = 0;
        for (; v + 8 <= b; v += 8)
        {
            ref double at = ref Unsafe.Add(ref lp, v);
            var m = Vector512.LoadUnsafe(ref at);
            for (int c = 1; c < k; c++) m = Vector512.MaxNative(m, Vector512.LoadUnsafe(ref at, (nuint)(c * b)));
            Vector512<double> sum = default;
            for (int c = 0; c < k; c++)
            {
                var diff = Vector512.LoadUnsafe(ref at, (nuint)(c * b)) - m;
                var drop = Vector512.LessThanOrEqual(diff, floor);
                var e = Vector512.ExtractMostSignificantBits(drop) == 0xFF ? Vector512<double>.Zero
                    : Vector512.ConditionalSelect(drop, Vector512<double>.Zero, Exp512(diff));
                e.StoreUnsafe(ref at, (nuint)(c * b));
                sum += e;
            }
            var inverse = Vector512<double>.One / sum;
            for (int c = 0; c < k; c++) (Vector512.LoadUnsafe(ref at, (nuint)(c * b)) * inverse).StoreUnsafe(ref at, (nuint)(c * b));
            m.StoreUnsafe(ref mx, (nuint)v);
            sum.StoreUnsafe(ref sm, (nuint)v);
        }
        return v;
    }

    /// <summary><see cref="Exp"/> with AVX-512: n rounded by <c>vrndscalepd</c> and 2ⁿ applied by <c>vscalefpd</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> Exp512(Vector512<double> x)
    {
        var n = Avx512F.RoundScale(x * Vector512.Create(Log2E), 0);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var q0 = F2(F(r, 1.0 / 6, 0.5), r2, F(r, 1, 1));
        var q1 = F2(F(r, 1.0 / 5040, 1.0 / 720), r2, F(r, 1.0 / 120, 1.0 / 24));
        var q2 = F2(F(r, 1.0 / 39916800, 1.0 / 3628800), r2, F(r, 1.0 / 362880, 1.0 / 40320));
        var q3 = F(r, 1.0 / 6227020800, 1.0 / 479001600);
        var p = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(q3, r4, q2), r8, Vector512.FusedMultiplyAdd(q1, r4, q0));
        return Avx512F.Scale(p, n);

        static Vector512<double> F(Vector512<double> a, double b, double c) => Vector512.FusedMultiplyAdd(a, Vector512.Create(b), Vector512.Create(c));
        static Vector512<double> F2(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);
    }

    // exp(x) = 2ⁿ exp(r), n = round(x / ln 2), r = x − n ln 2 (ln 2 in two parts, Cody and Waite), |r| ≤ ½ ln 2, and exp(r)
    // by its Taylor series to r¹³ (the first term left out, r¹⁴/14!, is below 5e-18 there).
    private const double Log2E = 1.4426950408889634, Ln2Hi = 0.693147180369123816490, Ln2Lo = 1.90821492927058770002e-10;
    private const double RoundShift = 6755399441055744.0; // 1.5·2⁵²: adding it rounds to an integer held in the low bits

    /// <summary>
    /// exp(x) for x in [−708, 709] (elsewhere the result is meaningless: <see cref="Responsibilities"/> discards it), within about 1 ulp, in plain
    /// <see cref="Vector{T}"/> arithmetic: reduction to |r| ≤ ½ ln 2, a degree-13 polynomial by Estrin's scheme, and 2ⁿ
    /// built in the exponent bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static V Exp(V x)
    {
        var shifted = Fma(x, new V(Log2E), new V(RoundShift));
        var n = shifted - new V(RoundShift);
        var r = Fma(n, new V(-Ln2Hi), x);
        r = Fma(n, new V(-Ln2Lo), r);
        // Estrin's scheme: four multiply-adds deep instead of Horner's thirteen, so successive calls overlap.
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var q0 = Fma(Fma(r, new V(1.0 / 6), new V(0.5)), r2, Fma(r, V.One, V.One));
        var q1 = Fma(Fma(r, new V(1.0 / 5040), new V(1.0 / 720)), r2, Fma(r, new V(1.0 / 120), new V(1.0 / 24)));
        var q2 = Fma(Fma(r, new V(1.0 / 39916800), new V(1.0 / 3628800)), r2, Fma(r, new V(1.0 / 362880), new V(1.0 / 40320)));
        var q3 = Fma(r, new V(1.0 / 6227020800), new V(1.0 / 479001600));
        var p = Fma(Fma(q3, r4, q2), r8, Fma(q1, r4, q0));
        var bits = Vector.AsVectorInt64(shifted) - Vector.AsVectorInt64(new V(RoundShift)) + new Vector<long>(1023);
        return p * Vector.AsVectorDouble(Vector.ShiftLeft(bits, 52));
    }

    /// <summary>
    /// For component c of a full-covariance block: wts_i = r ∘ (x'_i − μ'_i) into rows of b (rows D..4⌈D/4⌉ − 1 stay
    /// zero), and first[i] = Σ_p wts_i[p].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FullWeightedDiffs(ref double x, nint stride, int b, int d, ReadOnlySpan<double> mean, ref double r,
        ref double wts, Span<double> first)
    {
        int w = Vector<double>.Count;
        for (int i = 0; i < d; i++)
        {
            var mu = new V(mean[i]);
            V acc = default;
            ref double xi = ref Unsafe.Add(ref x, i * stride);
            ref double wi = ref Unsafe.Add(ref wts, i * b);
            for (int v = 0; v < b; v += w)
            {
                var wv = Vector.LoadUnsafe(ref r, (nuint)v) * (Vector.LoadUnsafe(ref xi, (nuint)v) - mu);
                wv.StoreUnsafe(ref wi, (nuint)v);
                acc += wv;
            }
            first[i] = Vector.Sum(acc);
        }
    }

    /// <summary>
    /// second += Σ_p (r ∘ (x' − μ'))_p x'_pᵀ − first μ'ᵀ = Σ_p r_p (x'_p − μ')(x'_p − μ')ᵀ (lower triangle of the D×D
    /// <paramref name="second"/>), with <paramref name="first"/> = Σ_p r_p (x'_p − μ') from <see cref="FullWeightedDiffs"/>:
    /// the rank-b update as 4×4 tiles of vector accumulators over the block. The subtracted term is small once μ' is
    /// near the weighted mean, so little cancels; <paramref name="wts"/> has 4⌈D/4⌉ rows of b.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FullSecondMoments(ref double wts, ref double x, nint stride, int b, int d, ReadOnlySpan<double> first,
        ReadOnlySpan<double> mean, Span<double> second)
    {
        int w = Vector<double>.Count, tiles = (d + 3) / 4;
        for (int ti = 0; ti < tiles; ti++)
            for (int tj = 0; tj <= ti; tj++)
            {
                ref double w0 = ref Unsafe.Add(ref wts, 4 * ti * b);
                // Rows of x' past D (only in the last column tile) repeat row D − 1; Put drops their sums.
                ref double x0 = ref Unsafe.Add(ref x, 4 * tj * stride);
                ref double x1 = ref Unsafe.Add(ref x, Math.Min(4 * tj + 1, d - 1) * stride);
                ref double x2 = ref Unsafe.Add(ref x, Math.Min(4 * tj + 2, d - 1) * stride);
                ref double x3 = ref Unsafe.Add(ref x, Math.Min(4 * tj + 3, d - 1) * stride);
                V a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
                V a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
                for (int v = 0; v < b; v += w)
                {
                    var e0 = Vector.LoadUnsafe(ref x0, (nuint)v);
                    var e1 = Vector.LoadUnsafe(ref x1, (nuint)v);
                    var e2 = Vector.LoadUnsafe(ref x2, (nuint)v);
                    var e3 = Vector.LoadUnsafe(ref x3, (nuint)v);
                    var q = Vector.LoadUnsafe(ref w0, (nuint)v);
                    a00 = Fma(q, e0, a00); a01 = Fma(q, e1, a01); a02 = Fma(q, e2, a02); a03 = Fma(q, e3, a03);
                    q = Vector.LoadUnsafe(ref w0, (nuint)(b + v));
                    a10 = Fma(q, e0, a10); a11 = Fma(q, e1, a11); a12 = Fma(q, e2, a12); a13 = Fma(q, e3, a13);
                    q = Vector.LoadUnsafe(ref w0, (nuint)(2 * b + v));
                    a20 = Fma(q, e0, a20); a21 = Fma(q, e1, a21); a22 = Fma(q, e2, a22); a23 = Fma(q, e3, a23);
                    q = Vector.LoadUnsafe(ref w0, (nuint)(3 * b + v));
                    a30 = Fma(q, e0, a30); a31 = Fma(q, e1, a31); a32 = Fma(q, e2, a32); a33 = Fma(q, e3, a33);
                }
                int i = 4 * ti, j = 4 * tj;
                Put(second, first, mean, d, i, j, a00, a01, a02, a03);
                Put(second, first, mean, d, i + 1, j, a10, a11, a12, a13);
                Put(second, first, mean, d, i + 2, j, a20, a21, a22, a23);
                Put(second, first, mean, d, i + 3, j, a30, a31, a32, a33);
            }
    }

    /// <summary>second[i, j..j+3] += the sums of four accumulators − first_i μ'_j, lower triangle (column ≤ row &lt; D) only.</summary>
    private static void Put(Span<double> second, ReadOnlySpan<double> first, ReadOnlySpan<double> mean, int d, int i, int j,
        V s0, V s1, V s2, V s3)
    {
        if (i >= d) return;
        ref double row = ref second[i * d];
        double f = first[i];
        if (j <= i) Unsafe.Add(ref row, j) += Vector.Sum(s0) - f * mean[j];
        if (j + 1 <= i) Unsafe.Add(ref row, j + 1) += Vector.Sum(s1) - f * mean[j + 1];
        if (j + 2 <= i) Unsafe.Add(ref row, j + 2) += Vector.Sum(s2) - f * mean[j + 2];
        if (j + 3 <= i) Unsafe.Add(ref row, j + 3) += Vector.Sum(s3) - f * mean[j + 3];
    }

    /// <summary>
    /// Diagonal covariances, components c0 and c1 at once (c1 may equal c0): logp_c[p] = log w_c − ½ Σ_i (x'_i s_ci − μ'_ci s_ci)²
    /// with s = 1/σ, two FMAs per dimension, component and point.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DiagLogDensityPair(ref double x, nint stride, int b, BlockFactors f, int c0, int c1, ref double logp0, ref double logp1)
    {
        int d = f.Dimension, w = V.Count;
        ref double s0 = ref f.Panels[c0 * d];
        ref double s1 = ref f.Panels[c1 * d];
        ref double n0 = ref f.Offsets[c0 * d];
        ref double n1 = ref f.Offsets[c1 * d];
        V norm0 = new(f.LogNormalizers[c0]), norm1 = new(f.LogNormalizers[c1]);
        for (int v = 0; v < b; v += 4 * w)
        {
            V m00 = default, m01 = default, m02 = default, m03 = default, m10 = default, m11 = default, m12 = default, m13 = default;
            ref double xi = ref Unsafe.Add(ref x, v);
            for (int i = 0; i < d; i++)
            {
                var x0 = Vector.LoadUnsafe(ref xi);
                var x1 = Vector.LoadUnsafe(ref xi, (nuint)w);
                var x2 = Vector.LoadUnsafe(ref xi, (nuint)(2 * w));
                var x3 = Vector.LoadUnsafe(ref xi, (nuint)(3 * w));
                V sa = new(Unsafe.Add(ref s0, i)), na = new(Unsafe.Add(ref n0, i));
                V sb = new(Unsafe.Add(ref s1, i)), nb = new(Unsafe.Add(ref n1, i));
                var t = Fma(x0, sa, na); m00 = Fma(t, t, m00);
                t = Fma(x1, sa, na); m01 = Fma(t, t, m01);
                t = Fma(x2, sa, na); m02 = Fma(t, t, m02);
                t = Fma(x3, sa, na); m03 = Fma(t, t, m03);
                t = Fma(x0, sb, nb); m10 = Fma(t, t, m10);
                t = Fma(x1, sb, nb); m11 = Fma(t, t, m11);
                t = Fma(x2, sb, nb); m12 = Fma(t, t, m12);
                t = Fma(x3, sb, nb); m13 = Fma(t, t, m13);
                xi = ref Unsafe.Add(ref xi, stride);
            }
            StoreLogDensities(ref Unsafe.Add(ref logp0, v), norm0, m00, m01, m02, m03);
            StoreLogDensities(ref Unsafe.Add(ref logp1, v), norm1, m10, m11, m12, m13);
        }
    }

    /// <summary>
    /// Diagonal second moments about the data's origin for the block: s1[c, i] = Σ_p r_c[p] x'_i[p] and
    /// s2[c, i] = Σ_p r_c[p] x'_i[p]², four components by two dimensions per tile (r: K rows of b, the responsibilities).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DiagRawMoments(ref double x, nint stride, int b, int d, int k, ref double r, Span<double> s1, Span<double> s2)
    {
        int w = V.Count;
        for (int c = 0; c < k; c += 4)
        {
            ref double r0 = ref Unsafe.Add(ref r, c * b);
            ref double r1 = ref Unsafe.Add(ref r, Math.Min(c + 1, k - 1) * b);
            ref double r2 = ref Unsafe.Add(ref r, Math.Min(c + 2, k - 1) * b);
            ref double r3 = ref Unsafe.Add(ref r, Math.Min(c + 3, k - 1) * b);
            for (int i = 0; i < d; i += 2)
            {
                ref double xa = ref Unsafe.Add(ref x, i * stride);
                ref double xb = ref Unsafe.Add(ref x, Math.Min(i + 1, d - 1) * stride);
                V p0a = default, p1a = default, p2a = default, p3a = default, p0b = default, p1b = default, p2b = default, p3b = default;
                V q0a = default, q1a = default, q2a = default, q3a = default, q0b = default, q1b = default, q2b = default, q3b = default;
                for (int v = 0; v < b; v += w)
                {
                    var ua = Vector.LoadUnsafe(ref xa, (nuint)v);
                    var ub = Vector.LoadUnsafe(ref xb, (nuint)v);
                    var ya = ua * ua;
                    var yb = ub * ub;
                    var g = Vector.LoadUnsafe(ref r0, (nuint)v);
                    p0a = Fma(g, ua, p0a); q0a = Fma(g, ya, q0a); p0b = Fma(g, ub, p0b); q0b = Fma(g, yb, q0b);
                    g = Vector.LoadUnsafe(ref r1, (nuint)v);
                    p1a = Fma(g, ua, p1a); q1a = Fma(g, ya, q1a); p1b = Fma(g, ub, p1b); q1b = Fma(g, yb, q1b);
                    g = Vector.LoadUnsafe(ref r2, (nuint)v);
                    p2a = Fma(g, ua, p2a); q2a = Fma(g, ya, q2a); p2b = Fma(g, ub, p2b); q2b = Fma(g, yb, q2b);
                    g = Vector.LoadUnsafe(ref r3, (nuint)v);
                    p3a = Fma(g, ua, p3a); q3a = Fma(g, ya, q3a); p3b = Fma(g, ub, p3b); q3b = Fma(g, yb, q3b);
                }
                PutDiag(s1, s2, d, k, c, i, p0a, q0a, p0b, q0b);
                PutDiag(s1, s2, d, k, c + 1, i, p1a, q1a, p1b, q1b);
                PutDiag(s1, s2, d, k, c + 2, i, p2a, q2a, p2b, q2b);
                PutDiag(s1, s2, d, k, c + 3, i, p3a, q3a, p3b, q3b);
            }
        }
    }

    /// <summary>Stores the sums for component c, dimensions i and i + 1, skipping the clamped duplicates past K and D.</summary>
    private static void PutDiag(Span<double> s1, Span<double> s2, int d, int k, int c, int i, V pa, V qa, V pb, V qb)
    {
        if (c >= k) return;
        s1[c * d + i] = Vector.Sum(pa);
        s2[c * d + i] = Vector.Sum(qa);
        if (i + 1 >= d) return;
        s1[c * d + i + 1] = Vector.Sum(pb);
        s2[c * d + i + 1] = Vector.Sum(qb);
    }
}
