using System.Runtime.CompilerServices;
using MathNet.Numerics;
using Probabilistic.Core.Numerics;

namespace Probabilistic.Hmm.Emissions;

/// <summary>Posterior-weighted sums for Poisson emissions: N_k = Σγ and Σγx (K×D).</summary>
public sealed class PoissonStatistics(int states, int dimension)
{
    /// <summary>Σ_t γ_tk.</summary>
    public double[] Weight { get; } = new double[states];

    /// <summary>Σ_t γ_tk x_t, K×D.</summary>
    public double[] Sum { get; } = new double[states * dimension];
}

/// <summary>
/// Independent Poisson counts per dimension with rate λ_kd (hmmlearn's PoissonHMM). A Gamma(α, β) prior on each rate
/// (shape <see cref="RateShape"/> ≥ 1, rate <see cref="RatePrecision"/> ≥ 0; the defaults 1 and 0 are maximum
/// likelihood) gives the MAP M-step λ = (Σγx + α − 1)/(Σγ + β).
/// </summary>
public sealed class PoissonEmission : IEmissionModel<PoissonEmission, PoissonStatistics>
{
    private readonly double[] _rates, _logRates;

    private PoissonEmission(double[] rates, int states, int dimension, double shape, double precision)
    {
        StateCount = states;
        Dimension = dimension;
        RateShape = shape;
        RatePrecision = precision;
        _rates = rates;
        _logRates = rates.Select(r => Math.Log(r)).ToArray();
        Validate();
    }

    /// <summary>Rates K×D row-major.</summary>
    public static PoissonEmission FromRates(int states, int dimension, double[] rates, double rateShape = 1, double ratePrecision = 0)
        => new((double[])rates.Clone(), states, dimension, rateShape, ratePrecision);

    /// <inheritdoc/>
    public long FreeParameters => (long)StateCount * Dimension;

    /// <inheritdoc/>
    public int StateCount { get; }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <summary>Gamma prior shape α (≥ 1).</summary>
    public double RateShape { get; }

    /// <summary>Gamma prior rate β (≥ 0).</summary>
    public double RatePrecision { get; }

    /// <inheritdoc/>
    public string Family => "poisson";

    /// <summary>The rates λ, K×D (a copy).</summary>
    public double[] Rates => (double[])_rates.Clone();

    /// <inheritdoc/>
    public void Validate()
    {
        if (StateCount < 1 || Dimension < 1 || _rates.Length != StateCount * Dimension)
            throw new ArgumentException($"A Poisson emission needs K×D = {StateCount}×{Dimension} rates, got {_rates.Length}.");
        for (int i = 0; i < _rates.Length; i++)
            if (!(_rates[i] >= 0) || !double.IsFinite(_rates[i]))
                throw new ArgumentException($"The Poisson rate of state {i / Dimension}, dimension {i % Dimension} is {_rates[i]}; rates must be finite and >= 0.");
        if (!(RateShape >= 1) || !(RatePrecision >= 0) || double.IsInfinity(RateShape) || double.IsInfinity(RatePrecision))
            throw new ArgumentException($"The Gamma prior needs shape >= 1 and rate >= 0 (got {RateShape}, {RatePrecision}).");
    }

    /// <inheritdoc/>
    public void CheckObservations(ReadOnlySpan<double> observations, int steps, string where)
    {
        for (int i = 0; i < steps * Dimension; i++)
        {
            double x = observations[i];
            if (!(x >= 0) || x != Math.Floor(x) || double.IsInfinity(x))
                throw new ArgumentException($"{where}, step {i / Dimension}, value {i % Dimension} is {x}; Poisson observations are counts (integers >= 0).");
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LogLikelihoods(ReadOnlySpan<double> observations, int steps, Span<double> logProb)
    {
        int k = StateCount, d = Dimension;
        for (int t = 0; t < steps; t++)
        {
            var x = observations.Slice(t * d, d);
            var row = logProb.Slice(t * k, k);
            row.Clear();
            for (int i = 0; i < d; i++)
            {
                double xi = x[i];
                if (xi < PoissonMath.DirectFormLimit)
                {
                    // Small counts: x log λ − λ − log x! with the factorial shared by all states (0·log 0 = 0).
                    double logFactorial = SpecialFunctions.GammaLn(xi + 1);
                    for (int s = 0; s < k; s++)
                        row[s] += (xi == 0 ? 0 : xi * _logRates[s * d + i]) - _rates[s * d + i] - logFactorial;
                }
                else
                {
                    // Large counts: the saddle-point form keeps the digits the direct form cancels away.
                    for (int s = 0; s < k; s++) row[s] += PoissonMath.LogProbability(xi, _rates[s * d + i], _logRates[s * d + i]);
                }
            }
        }
    }

    /// <inheritdoc/>
    public PoissonStatistics CreateStatistics() => new(StateCount, Dimension);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Accumulate(PoissonStatistics stats, ReadOnlySpan<double> observations, int steps, ReadOnlySpan<double> posteriors)
    {
        int k = StateCount, d = Dimension;
        for (int t = 0; t < steps; t++)
            for (int s = 0; s < k; s++)
            {
                double g = posteriors[t * k + s];
                stats.Weight[s] += g;
                for (int i = 0; i < d; i++) stats.Sum[s * d + i] += g * observations[t * d + i];
            }
    }

    /// <inheritdoc/>
    public void Merge(PoissonStatistics into, PoissonStatistics from)
    {
        for (int i = 0; i < into.Weight.Length; i++) into.Weight[i] += from.Weight[i];
        for (int i = 0; i < into.Sum.Length; i++) into.Sum[i] += from.Sum[i];
    }

    /// <inheritdoc/>
    public PoissonEmission Maximize(PoissonStatistics stats)
    {
        var rates = (double[])_rates.Clone();
        for (int s = 0; s < StateCount; s++)
        {
            double n = stats.Weight[s] + RatePrecision;
            if (!(n > 1e-300)) continue;
            for (int i = 0; i < Dimension; i++) rates[s * Dimension + i] = (stats.Sum[s * Dimension + i] + RateShape - 1) / n;
        }
        return new PoissonEmission(rates, StateCount, Dimension, RateShape, RatePrecision);
    }

    /// <inheritdoc/>
    public double LogPrior()
    {
        if (RateShape == 1 && RatePrecision == 0) return 0;
        double s = 0;
        for (int i = 0; i < _rates.Length; i++) s += (RateShape - 1) * _logRates[i] - RatePrecision * _rates[i];
        return s;
    }

    /// <inheritdoc/>
    public void Sample(int state, Random random, Span<double> observation)
    {
        for (int i = 0; i < Dimension; i++)
        {
            // Knuth's method for small rates, a normal approximation guarded at zero for large ones.
            double lambda = _rates[state * Dimension + i];
            if (lambda < 30)
            {
                double l = Math.Exp(-lambda), p = 1;
                int count = -1;
                do { count++; p *= random.NextDouble(); } while (p > l);
                observation[i] = count;
            }
            else observation[i] = Math.Max(0, Math.Round(lambda + Math.Sqrt(lambda) * Core.Numerics.Rng.NextGaussian(random)));
        }
    }
}
