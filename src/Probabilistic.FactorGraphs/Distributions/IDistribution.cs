namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>
/// An exponential-family distribution in natural parameters, closed under product, ratio and power, so that
/// the message-passing engine can multiply and divide messages generically.
/// </summary>
/// <typeparam name="T">The implementing struct.</typeparam>
public interface IDistribution<T> where T : struct, IDistribution<T>
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
}

/// <summary>Distributions with a scalar mean and variance.</summary>
public interface ICanGetMeanAndVariance
{
    /// <summary>The mean.</summary>
    double GetMean();

    /// <summary>The variance.</summary>
    double GetVariance();
}
