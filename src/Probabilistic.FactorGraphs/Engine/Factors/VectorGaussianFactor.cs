using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;
using Probabilistic.FactorGraphs.LinearAlgebra;
using static Probabilistic.FactorGraphs.Factors.DenseMath;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// x ~ N(μ, Λ⁻¹) for vectors. x and μ are random VectorGaussians or observed vectors; Λ is an observed matrix or a random
/// Wishart. VMP supports every combination. EP is exact for an observed Λ (the factor is then jointly Gaussian); a Wishart
/// Λ takes Infer.NET's Laplace approximation (<see cref="VectorGaussianLaplaceOp"/>).
/// </summary>
internal sealed class VectorGaussianFactor : FactorNode
{
    internal static readonly FactorDefinition Definition = new("VectorGaussian", b => new VectorGaussianFactor(b), b => new VarNode<VectorGaussian>(b.OutputBase, VectorGaussian.Uniform(DimensionOf(b))));

    private readonly IReadOnlyList<IPort> _ports;

    private readonly bool _forceProper;

    private VectorGaussianFactor(FactorBuilder b) : base(b.Description)
    {
        _forceProper = b.ForceProper;
        Dimension = DimensionOf(b);
        var like = VectorGaussian.Uniform(Dimension);
        X = b.Port(this, b.Output, "sample", like);
        Mean = b.Port(this, b.Arg(0), "mean", like);
        Prec = b.Port(this, b.Arg(1), "precision", Wishart.Uniform(Dimension));
        _ports = [X, Mean, Prec];
    }

    /// <summary>The dimension: from the mean (a prior or observed vector), the sample, or the precision.</summary>
    private static int DimensionOf(FactorBuilder b)
    {
        foreach (var v in new[] { b.Arg(0), b.Output, b.Arg(1) })
        {
            switch (b.ObservedValue(v))
            {
                case Vector x: return x.Count;
                case Vector[] xs when xs.Length > 0: return xs[0].Count;
                case PositiveDefiniteMatrix m: return m.Dimension;
                case PositiveDefiniteMatrix[] ms when ms.Length > 0: return ms[0].Dimension;
            }
            if (ReferenceEquals(v, b.Output)) continue;
            switch (b.NodeOf(v))
            {
                case VarNode<VectorGaussian> g: return g.Uniform.Dimension;
                case VarNode<Wishart> w: return w.Uniform.Dimension;
                case ObservedNode { Constant: VectorGaussian g }: return g.Dimension;
                case ObservedNode { Constant: Wishart w }: return w.Dimension;
            }
        }
        throw new NotSupportedException($"The dimension of '{b.OutputBase.Name}' ~ VectorGaussian('{b.Arg(0).Name}', '{b.Arg(1).Name}') cannot be found: give the mean a VectorGaussian prior or an observed Vector.");
    }

    internal int Dimension { get; }
    internal Port<VectorGaussian> X { get; }
    internal Port<VectorGaussian> Mean { get; }
    internal Port<Wishart> Prec { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    private static double[] Observed(Port<VectorGaussian> p, int i) => p.Marginal(i).Point.ToArray();

    private double[] ObservedPrecision(int i) => Prec.Marginal(i).Point.Span.ToArray();

    // ---- EP ----

    // Inside a gate the precision's port is lagged (IsEpLagged): the gate runs Infer.NET's order for it, or refuses where
    // that order is not reproduced (GateGroup.RefuseLagged).
    internal override string? EpRefusal => null;

    internal override bool IsEpLagged(IPort port) => ReferenceEquals(port, Prec) && !Prec.IsObserved;

    internal override void EpSend(IPort target, int i)
    {
        if (Prec.IsObserved)
        {
            var lambda = ObservedPrecision(i);
            if (ReferenceEquals(target, X)) X.SetMessage(i, MessageThrough(Mean, i, lambda));
            else Mean.SetMessage(i, MessageThrough(X, i, lambda));
            return;
        }
        // a Wishart precision: Laplace's approximation at the precision's posterior mean (VectorGaussianLaplaceOp)
        if (ReferenceEquals(target, Prec))
        {
            if (!TryContextMoments(i, out var diff, out var variance)) return;   // a uniform side: keep the last message
            Prec.SetMessage(i, VectorGaussianLaplaceOp.PrecisionMessage(Dimension, diff, variance, PosteriorMean(i, out _), _forceProper));
            return;
        }
        var r = PosteriorMean(i, out _);
        if (ReferenceEquals(target, X)) X.SetMessage(i, MessageThrough(Mean, i, r));
        else Mean.SetMessage(i, MessageThrough(X, i, r));
    }

    /// <summary>
    /// E[Λ] under the precision's posterior as this factor sees it: its context times this factor's last message (the
    /// point R at which <see cref="VectorGaussianLaplaceOp"/> approximates).
    /// </summary>
    private double[] PosteriorMean(int i, out Wishart posterior)
    {
        posterior = Prec.Context(i) * Prec.Messages[i];
        if (posterior.IsPointMass) return posterior.Point.Span.ToArray();
        // Shape·Rate⁻¹ even when the shape is below (d−1)/2 (a transiently improper posterior, as Infer.NET reads it); a rate
        // that is not positive definite has no such point
        var r = posterior.MeanValues();
        var l = (double[])r.Clone();
        if (!Cholesky.TryFactor(l, Dimension))
            throw new InvalidOperationException($"The {Description} factor's Wishart precision ('{Prec.Node.Name}') has a posterior {posterior} whose mean is not positive definite under ExpectationPropagation; give it a stronger prior, or use VariationalMessagePassing.");
        return r;
    }

    /// <summary>m_x − m_μ and V_x + V_μ from the sample's and mean's contexts (observed sides have no variance); false when one is uniform.</summary>
    private bool TryContextMoments(int i, out double[] diff, out double[] variance)
    {
        int d = Dimension;
        diff = new double[d];
        variance = new double[d * d];
        foreach (var (p, sign) in new[] { (X, 1.0), (Mean, -1.0) })
        {
            if (p.IsObserved)
            {
                var v = Observed(p, i);
                for (int k = 0; k < d; k++) diff[k] += sign * v[k];
                continue;
            }
            var ctx = p.Context(i);
            if (ctx.IsUniform()) return false;
            if (ctx.IsPointMass)
            {
                var v = ctx.Point;
                for (int k = 0; k < d; k++) diff[k] += sign * v[k];
                continue;
            }
            if (!ctx.IsProper())
                throw new InvalidOperationException($"The {Description} factor met an improper context for '{p.Node.Name}' under ExpectationPropagation; the model's messages have become improper.");
            var mean = ctx.GetMean();
            var cov = ctx.GetVariance();
            for (int k = 0; k < d; k++) diff[k] += sign * mean[k];
            for (int r = 0; r < d; r++)
                for (int c = 0; c < d; c++) variance[r * d + c] += cov[r, c];
        }
        return true;
    }

    /// <summary>The message to one side: ∫ N(x; μ, Λ⁻¹) ctx(other) d(other), in natural parameters.</summary>
    private VectorGaussian MessageThrough(Port<VectorGaussian> other, int i, double[] lambda)
    {
        int d = Dimension;
        if (other.IsObserved)
        {
            var v = Observed(other, i);
            return VectorGaussian.FromNatural(MatVec(lambda, v, d), (double[])lambda.Clone());
        }
        var ctx = other.Context(i);
        var (h, p, _) = Through(ctx.MeanTimesPrecision, ctx.PrecisionValues, lambda, d, Description);
        return VectorGaussian.FromNatural(h, p);
    }

    /// <summary>
    /// Integrates a context exp(hᵀy − yᵀPy/2) against N(z; y, Λ⁻¹) over y: the result in z has natural parameters
    /// (Λ(P+Λ)⁻¹h, Λ(P+Λ)⁻¹P) (uniform when P = 0) and the constant ½hᵀ(P+Λ)⁻¹h − ½log|P+Λ| + ½log|Λ|.
    /// </summary>
    internal static (double[] H, double[] P, double LogScale) Through(ReadOnlySpan<double> h, ReadOnlySpan<double> p, double[] lambda, int d, string factor)
    {
        var sum = new double[d * d];
        for (int k = 0; k < sum.Length; k++) sum[k] = p[k] + lambda[k];
        var l = (double[])sum.Clone();
        if (!Cholesky.TryFactor(l, d))
            throw new InvalidOperationException($"The {factor} factor met a context that is not positive semi-definite; the model's messages have become improper.");
        var inv = VectorGaussian.Inverse(sum, d);
        var a = MatMul(lambda, inv, d);                 // Λ(P+Λ)⁻¹
        var hOut = MatVec(a, h, d);
        var pOut = MatMul(a, p.ToArray(), d);
        Symmetrise(pOut, d);
        var invH = MatVec(inv, h, d);
        double quad = 0;
        for (int k = 0; k < d; k++) quad += h[k] * invH[k];
        var ll = (double[])lambda.Clone();
        Cholesky.TryFactor(ll, d);
        return (hOut, pOut, 0.5 * quad - 0.5 * Cholesky.LogDeterminant(l, d) + 0.5 * Cholesky.LogDeterminant(ll, d));
    }

    internal override double EpLogZ(int i)
    {
        int d = Dimension;
        if (!Prec.IsObserved)
        {
            // Laplace's evidence with the contexts normalised, plus their normalisers (the engine's unnormalised contexts)
            var r = PosteriorMean(i, out var posterior);
            var ctx = Prec.Context(i);
            if (!TryContextMoments(i, out var diff, out var variance))
                throw new InvalidOperationException($"The {Description} factor's evidence needs proper contexts for its sample and mean under ExpectationPropagation.");
            double logZ = VectorGaussianLaplaceOp.LogAverageFactor(d, diff, variance, r, ctx, posterior) + ctx.GetLogNormalizer();
            if (!X.IsObserved) logZ += X.Context(i).GetLogNormalizer();
            if (!Mean.IsObserved) logZ += Mean.Context(i).GetLogNormalizer();
            return logZ;
        }
        var lambda = ObservedPrecision(i);
        if (X.IsObserved && Mean.IsObserved) return LogDensity(Observed(X, i), Observed(Mean, i), lambda, d);
        if (X.IsObserved || Mean.IsObserved)
        {
            // ∫ ctx(y) N(v; y, Λ⁻¹) dy = A(h + Λv, P + Λ) + ½log|Λ| − d/2 log 2π − vᵀΛv/2
            var v = X.IsObserved ? Observed(X, i) : Observed(Mean, i);
            var ctx = X.IsObserved ? Mean.Context(i) : X.Context(i);
            var lv = MatVec(lambda, v, d);
            var h = new double[d];
            var p = new double[d * d];
            for (int k = 0; k < d; k++) h[k] = ctx.MeanTimesPrecision[k] + lv[k];
            for (int k = 0; k < p.Length; k++) p[k] = ctx.PrecisionValues[k] + lambda[k];
            double vLv = 0;
            for (int k = 0; k < d; k++) vLv += v[k] * lv[k];
            var ll = (double[])lambda.Clone();
            Cholesky.TryFactor(ll, d);
            return VectorGaussian.FromNatural(h, p).GetLogNormalizer() + 0.5 * Cholesky.LogDeterminant(ll, d) - d * MessageMath.HalfLog2Pi - 0.5 * vLv;
        }
        var cx = X.Context(i);
        var cm = Mean.Context(i);
        var (hm, pm, logScale) = Through(cx.MeanTimesPrecision, cx.PrecisionValues, lambda, d, Description);
        return logScale + (cm * VectorGaussian.FromNatural(hm, pm)).GetLogNormalizer();
    }

    private static double LogDensity(double[] x, double[] m, double[] lambda, int d)
    {
        var diff = new double[d];
        for (int k = 0; k < d; k++) diff[k] = x[k] - m[k];
        var ld = MatVec(lambda, diff, d);
        double q = 0;
        for (int k = 0; k < d; k++) q += diff[k] * ld[k];
        var ll = (double[])lambda.Clone();
        Cholesky.TryFactor(ll, d);
        return 0.5 * Cholesky.LogDeterminant(ll, d) - d * MessageMath.HalfLog2Pi - 0.5 * q;
    }

    // ---- VMP ----

    internal override string? VmpRefusal => null;

    // Moments per variable element, reused while the element's (immutable) distribution is the same object: in a mixture
    // every observation reads the same component's mean and precision, whose inverses would otherwise be recomputed each time.
    private readonly Dictionary<(VarNode, int), ((object, object) Key, double[] Mean, double[] Variance)> _vectorMoments = [];
    private readonly Dictionary<int, (object Key, double Shape, double[] Mean, double MeanLogDet)> _precisionMoments = [];

    private (double[] Mean, double[] Variance) Moments(Port<VectorGaussian> p, int i)
    {
        int d = Dimension;
        if (p.IsObserved) return (Observed(p, i), new double[d * d]);
        var q = p.Marginal(i);
        var key = (p.Node, p.Index(i));
        if (_vectorMoments.TryGetValue(key, out var c) && c.Key == q.Identity) return (c.Mean, c.Variance);
        var v = q.GetVariance();
        var flat = new double[d * d];
        for (int r = 0; r < d; r++) for (int col = 0; col < d; col++) flat[r * d + col] = v[r, col];
        var mean = q.GetMean().ToArray();
        _vectorMoments[key] = (q.Identity, mean, flat);
        return (mean, flat);
    }

    private (double[] Mean, double MeanLogDet) PrecisionMoments(int i)
    {
        if (Prec.IsObserved)
        {
            var lambda = ObservedPrecision(i);
            var ll = (double[])lambda.Clone();
            Cholesky.TryFactor(ll, Dimension);
            return (lambda, Cholesky.LogDeterminant(ll, Dimension));
        }
        var w = Prec.Marginal(i);
        int e = Prec.Index(i);
        if (_precisionMoments.TryGetValue(e, out var c) && ReferenceEquals(c.Key, w.Identity) && c.Shape == w.Shape) return (c.Mean, c.MeanLogDet);
        var result = (w.MeanValues(), w.GetMeanLogDeterminant());
        _precisionMoments[e] = (w.Identity, w.Shape, result.Item1, result.Item2);
        return result;
    }

    /// <summary>E[(x − μ)(x − μ)ᵀ] under independent x and μ.</summary>
    private double[] SecondMoment(int i)
    {
        int d = Dimension;
        var (mx, vx) = Moments(X, i);
        var (mm, vm) = Moments(Mean, i);
        var s = new double[d * d];
        for (int r = 0; r < d; r++)
            for (int c = 0; c < d; c++)
                s[r * d + c] = (mx[r] - mm[r]) * (mx[c] - mm[c]) + vx[r * d + c] + vm[r * d + c];
        return s;
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        int d = Dimension;
        for (int i = 0; i < Count; i++)
        {
            double wi = w?[i] ?? 1;
            if (ReferenceEquals(target, X) || ReferenceEquals(target, Mean))
            {
                var other = ReferenceEquals(target, X) ? Mean : X;
                var (el, _) = PrecisionMoments(i);
                var (m, _) = Moments(other, i);
                var message = VectorGaussian.FromNatural(MatVec(el, m, d), (double[])el.Clone());
                ((Port<VectorGaussian>)target).AddVmp(i, message.Pow(wi));
            }
            else
            {
                var s = SecondMoment(i);
                for (int k = 0; k < s.Length; k++) s[k] *= 0.5;
                Prec.AddVmp(i, Wishart.FromNatural(d, 0.5 + (d + 1) / 2.0, s).Pow(wi));
            }
        }
    }

    internal override double VmpAverageLog(int i)
    {
        var s = SecondMoment(i);
        var (el, meanLogDet) = PrecisionMoments(i);
        double tr = 0;
        for (int k = 0; k < s.Length; k++) tr += el[k] * s[k];
        return 0.5 * meanLogDet - Dimension * MessageMath.HalfLog2Pi - 0.5 * tr;
    }
}
