using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// EP for a whole block of weighted sums s_o = c_oᵀ x sharing the terms x (a row of a matrix product with the other side
/// observed), taken as one factor as Infer.NET's MatrixMultiplyOp takes it: the tilted distribution of x is the Gaussian
/// with precision diag(1/v_k) + Σ_o τ_o c_o c_oᵀ and linear term h + Σ_o h_o c_o (contexts (h_k, 1/v_k) of the terms,
/// (h_o, τ_o) of the sums), and each term's message is its marginal divided by its context.
/// </summary>
public static class JointWeightedSumOp
{
    /// <summary>The tilted marginals of the terms and log ∫ Π ctx_k(x_k) Π ctx_o(c_oᵀ x) dx (unnormalised contexts).</summary>
    /// <exception cref="ArgumentException">A context is a point mass or the tilted precision is not positive definite.</exception>
    public static (Gaussian[] Marginals, double LogZ) Project(ReadOnlySpan<Gaussian> terms, IReadOnlyList<(Gaussian Sum, double[] Coefficients)> sums)
    {
        int d = terms.Length;
        var h = new double[d];
        var p = new double[d * d];
        for (int k = 0; k < d; k++)
        {
            if (terms[k].IsPointMass) throw new ArgumentException("A term of a joint weighted sum is a point mass.", nameof(terms));
            h[k] = terms[k].MeanTimesPrecision;
            p[k * d + k] = terms[k].Precision;
        }
        foreach (var (sum, c) in sums)
        {
            if (sum.IsPointMass) throw new ArgumentException("An exactly observed matrix product is not supported by ExpectationPropagation (the tilted distribution is degenerate); observe it with noise.", nameof(sums));
            for (int k = 0; k < d; k++)
            {
                h[k] += sum.MeanTimesPrecision * c[k];
                for (int l = 0; l < d; l++) p[k * d + l] += sum.Precision * c[k] * c[l];
            }
        }
        var joint = VectorGaussian.FromNatural(h, p);
        double logZ = joint.GetLogNormalizer();
        if (double.IsPositiveInfinity(logZ)) throw new ArgumentException("The tilted distribution of a joint weighted sum is improper.", nameof(terms));
        var mean = joint.GetMean();
        var variance = joint.GetVariance();
        var marginals = new Gaussian[d];
        for (int k = 0; k < d; k++) marginals[k] = Gaussian.FromMeanAndVariance(mean[k], variance[k, k]);
        return (marginals, logZ);
    }
}
