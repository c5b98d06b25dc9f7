using System.Runtime.CompilerServices;
using MathNet.Numerics;
using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>Type-dispatched helpers over the distribution structs (the JIT specialises each branch away).</summary>
internal static class Dist
{
    internal const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>E_q[log p(x)] where p is a normalised distribution of the same family.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double AverageLog<T>(T q, T p) where T : struct, IDistribution<T>
    {
        if (typeof(T) == typeof(Gaussian))
        {
            var qg = (Gaussian)(object)q; var pg = (Gaussian)(object)p;
            if (pg.IsPointMass) return qg.IsPointMass && qg.Point == pg.Point ? 0 : double.NegativeInfinity;
            double d = qg.GetMean() - pg.GetMean();
            return -HalfLog2Pi + 0.5 * Math.Log(pg.Precision) - 0.5 * pg.Precision * (qg.GetVariance() + d * d);
        }
        if (typeof(T) == typeof(Gamma))
        {
            var qg = (Gamma)(object)q; var pg = (Gamma)(object)p;
            if (pg.IsPointMass) return qg.IsPointMass && qg.Point == pg.Point ? 0 : double.NegativeInfinity;
            return (pg.Shape - 1) * qg.GetMeanLog() - pg.Rate * qg.GetMean() - pg.GetLogNormalizer();
        }
        if (typeof(T) == typeof(Beta))
        {
            var qb = (Beta)(object)q; var pb = (Beta)(object)p;
            var (l1, l0) = qb.GetMeanLogs();
            return (pb.TrueCount - 1) * l1 + (pb.FalseCount - 1) * l0 - pb.GetLogNormalizer();
        }
        if (typeof(T) == typeof(Bernoulli))
        {
            var qb = (Bernoulli)(object)q; var pb = (Bernoulli)(object)p;
            double t = qb.GetProbTrue();
            return Mul(t, pb.GetLogProbTrue()) + Mul(1 - t, pb.GetLogProbFalse());
        }
        if (typeof(T) == typeof(Discrete))
        {
            var qd = (Discrete)(object)q; var pd = (Discrete)(object)p;
            double s = 0;
            for (int k = 0; k < qd.Dimension; k++) s += Mul(qd[k], pd.GetLogProb(k));
            return s;
        }
        if (typeof(T) == typeof(Dirichlet))
        {
            var qd = (Dirichlet)(object)q; var pd = (Dirichlet)(object)p;
            if (pd.IsPointMass) return qd.Equals(pd) ? 0 : double.NegativeInfinity;
            var ml = qd.GetMeanLog();
            double s = -pd.GetLogNormalizer();
            for (int k = 0; k < ml.Length; k++) s += (pd[k] - 1) * ml[k];
            return s;
        }
        if (typeof(T) == typeof(Wishart)) return ((Wishart)(object)q).GetAverageLog((Wishart)(object)p);
        if (typeof(T) == typeof(VectorGaussian))
        {
            var qv = (VectorGaussian)(object)q; var pv = (VectorGaussian)(object)p;
            if (pv.IsPointMass) return qv.IsPointMass && qv.Point.SequenceEqual(pv.Point) ? 0 : double.NegativeInfinity;
            int d = qv.Dimension;
            var mq = qv.GetMean(); var vq = qv.GetVariance();
            var mp = pv.GetMean();
            var pp = pv.PrecisionValues;
            double tr = 0, quad = 0;
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    tr += pp[i * d + j] * vq[i, j];
                    quad += (mq[i] - mp[i]) * pp[i * d + j] * (mq[j] - mp[j]);
                }
            var l = pp.ToArray();
            Core.Numerics.Cholesky.TryFactor(l, d);
            return -d * HalfLog2Pi + 0.5 * Core.Numerics.Cholesky.LogDeterminant(l, d) - 0.5 * (tr + quad);
        }
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>0·(−∞) = 0, as in an expectation.</summary>
    internal static double Mul(double p, double logValue) => p == 0 ? 0 : p * logValue;

    /// <summary>log ∫ p(x) exp(η_ctx·T(x)) dx for a normalised prior p and an unnormalised context (a point mass context: log p at the point).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double LogAverageWithContext<T>(T prior, T context) where T : struct, IDistribution<T>
    {
        if (context.IsPointMass) return LogProbAtPoint(prior, context);
        return (prior * context).GetLogNormalizer() - prior.GetLogNormalizer();
    }

    /// <summary>log p(point) for a point mass of the same family.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double LogProbAtPoint<T>(T p, T point) where T : struct, IDistribution<T>
    {
        if (typeof(T) == typeof(Gaussian)) return ((Gaussian)(object)p).GetLogProb(((Gaussian)(object)point).Point);
        if (typeof(T) == typeof(Gamma)) return ((Gamma)(object)p).GetLogProb(((Gamma)(object)point).Point);
        if (typeof(T) == typeof(Beta)) return ((Beta)(object)p).GetLogProb(((Beta)(object)point).Point);
        if (typeof(T) == typeof(Bernoulli)) return ((Bernoulli)(object)p).GetLogProb(((Bernoulli)(object)point).Point);
        if (typeof(T) == typeof(Discrete)) return ((Discrete)(object)p).GetLogProb(((Discrete)(object)point).Point);
        if (typeof(T) == typeof(Dirichlet)) return ((Dirichlet)(object)p).GetLogProb(((Dirichlet)(object)point).Point);
        if (typeof(T) == typeof(VectorGaussian)) return ((VectorGaussian)(object)p).GetLogProb(((VectorGaussian)(object)point).Point);
        if (typeof(T) == typeof(Wishart)) return ((Wishart)(object)p).GetLogProb(((Wishart)(object)point).Point);
        throw new NotSupportedException($"Observed values of a {typeof(T).Name} variable are not supported.");
    }

    /// <summary>Unnormalised log weights (true, false) of a Bernoulli context exp(η·x); a point mass gives (0, −∞) or (−∞, 0).</summary>
    internal static (double True, double False) LogWeights(Bernoulli b)
    {
        if (b.IsPointMass) return b.Point ? (0, double.NegativeInfinity) : (double.NegativeInfinity, 0);
        return (b.LogOdds, 0);
    }

    /// <summary>log Γ.</summary>
    internal static double GammaLn(double x) => SpecialFunctions.GammaLn(x);
}
