namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>
/// An exponential-family distribution in natural parameters, closed under product, ratio and power, so that
/// the message-passing engine can multiply and divide messages generically. What the engine needs of a distribution
/// beyond that (its expected log density, its moment-matched projection of a mixture, its point masses at observed
/// values) is declared here too, so the engine never switches over distribution types. (Infer.NET's name
/// <c>IDistribution&lt;T&gt;</c> is kept for what it means there: a distribution over values of type T.)
/// </summary>
/// <typeparam name="T">The implementing struct.</typeparam>
public interface IExponentialFamily<T> where T : struct, IExponentialFamily<T>
{
    /// <summary>Product of densities: natural parameters add.</summary>
    static abstract T operator *(T a, T b);

    /// <summary>Ratio of densities: natural parameters subtract.</summary>
    static abstract T operator /(T a, T b);

    /// <summary>Density raised to a power: natural parameters scale.</summary>
    T Pow(double exponent);

    /// <summary>True when all mass sits on one value.</summary>
    bool IsPointMass { get; }

    /// <summary>True for the flat (improper) distribution, the identity of the product.</summary>
    bool IsUniform();

    /// <summary>True when the density integrates to one after normalisation.</summary>
    bool IsProper();

    /// <summary>A uniform distribution of the same dimension.</summary>
    T CreateUniform();

    /// <summary>log ∫ exp(η·T(x)) dx, the log-partition function of the natural parameters (0 for a point mass).</summary>
    double GetLogNormalizer();

    /// <summary>E_this[log this] = −entropy (for a point mass of a continuous variable, 0).</summary>
    double GetAverageLogSelf();

    /// <summary>E_this[log p(x)] for a normalised <paramref name="p"/> of the same family (VMP's expected log prior).</summary>
    double GetAverageLog(T p);

    /// <summary>log this(x) at the point of the point mass <paramref name="point"/>, this normalised.</summary>
    double GetLogProbAtPointOf(T point);

    /// <summary>
    /// The member of the family with the moments of the mixture Σ_c w_c q_c (weights summing to 1): the projection an EP
    /// gate takes (Minka &amp; Winn, "Gates", 2008). Components with weight 0 are ignored; a single weighted component is
    /// returned as it is.
    /// </summary>
    /// <exception cref="NotSupportedException">The family has no moment-matched projection here.</exception>
    static abstract T ProjectMixture(ReadOnlySpan<double> weights, ReadOnlySpan<T> components);

    /// <summary>
    /// This distribution as an EP message that is never certain where certainty would lose information: a Bernoulli point
    /// mass becomes log-odds ±c (<paramref name="certain"/>), so that a marginal divided by the message is still the cavity
    /// (a point mass holds no log-odds for the other value); other distributions are returned as they are.
    /// </summary>
    T ClampCertainty(double certain);

    /// <summary>
    /// An initialisation kept divisible: equal to this distribution to within e^−<paramref name="c"/> in probability, but
    /// with no impossible value where the family allows that (Discrete, Bernoulli), so that an EP marginal started from
    /// it can be divided by it again after the first sweep. Continuous families are returned as they are.
    /// </summary>
    T Softened(double c) => (T)this;

    /// <summary>
    /// numerator / denominator kept proper, as Infer.NET keeps the EP messages of gates and non-conjugate factors
    /// (<c>SetToRatio(numerator, denominator, forceProper: true)</c>): where the plain ratio would be improper, the message
    /// that keeps the numerator's mean with as little information as a proper message can carry.
    /// </summary>
    static abstract T ProperRatio(T numerator, T denominator);

    /// <summary>
    /// The point mass at element <paramref name="index"/> of an observed value array (double[] for scalar densities,
    /// bool[], int[], Vector[], PositiveDefiniteMatrix[]), shaped like <paramref name="like"/> (its dimension).
    /// </summary>
    /// <exception cref="ArgumentException">The array holds values of another type, or a value outside the support.</exception>
    static abstract T PointMassAt(Array values, int index, T like);
}

/// <summary>Distributions with a scalar mean and variance.</summary>
public interface ICanGetMeanAndVariance
{
    /// <summary>The mean.</summary>
    double GetMean();

    /// <summary>The variance.</summary>
    double GetVariance();
}
