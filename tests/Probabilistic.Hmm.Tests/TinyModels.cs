using Probabilistic.Hmm.Emissions;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Hmm.Tests;

internal static class TinyModels
{
    public static readonly double[] Start3 = [0.5, 0.3, 0.2];
    public static readonly double[] Transitions3 = [0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.25, 0.25, 0.5];

    public static HiddenMarkovModel<GaussianEmission, GaussianStatistics> Gaussian3() =>
        new(Start3, Transitions3, GaussianEmission.Univariate([-1.0, 0.5, 2.0], [0.5, 1.0, 0.8]));

    public static HiddenMarkovModel<CategoricalEmission, CategoricalStatistics> Categorical3() =>
        new(Start3, Transitions3, CategoricalEmission.FromProbabilities(new double[,]
        {
            { 0.5, 0.3, 0.1, 0.1 },
            { 0.1, 0.2, 0.6, 0.1 },
            { 0.25, 0.25, 0.2, 0.3 },
        }));

    public static HiddenMarkovModel<GaussianEmission, GaussianStatistics> GaussianFull3() =>
        new(Start3, Transitions3, GaussianEmission.FromParameters(3, 2, CovarianceType.Full,
            [0.0, 0.0, 1.5, -1.0, -1.0, 2.0],
            [1.0, 0.3, 0.3, 0.8, 0.6, -0.2, -0.2, 1.2, 2.0, 0.5, 0.5, 0.7]));

    /// <summary>The emission log densities of a sequence under a model, via the emission itself (checked separately against closed forms).</summary>
    public static double[] LogFrame<TE, TS>(HiddenMarkovModel<TE, TS> model, double[] x) where TE : IEmissionModel<TE, TS> where TS : class
    {
        int steps = x.Length / model.Emission.Dimension;
        var f = new double[steps * model.StateCount];
        model.Emission.LogLikelihoods(x, steps, f);
        return f;
    }
}
