namespace Probabilistic.FactorGraphs.Algorithms;

/// <summary>An inference algorithm for <c>InferenceEngine</c>.</summary>
public interface IAlgorithm
{
    /// <summary>The algorithm's name, as used in messages.</summary>
    string Name { get; }
}

/// <summary>Expectation propagation (Minka 2001): moment-matching messages; reports a log-evidence estimate, not a bound.</summary>
public sealed class ExpectationPropagation : IAlgorithm
{
    /// <inheritdoc/>
    public string Name => "ExpectationPropagation";

    /// <summary>
    /// Keep the messages of gates and non-conjugate factors proper (true, the default, as Infer.NET does): where the
    /// moment-matched posterior is wider than its cavity, the message keeps the posterior's mean but adds no precision.
    /// This keeps EP stable on mixtures and outliers, and matches Infer.NET's numbers; the price is that such a posterior's
    /// variance is the cavity's. Set false for plain moment matching (exact, for example, for one observation through a gate).
    /// </summary>
    public bool ForceProperMessages { get; init; } = true;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Variational message passing (Winn &amp; Bishop 2005): mean-field coordinate ascent on the ELBO, which never decreases.</summary>
public sealed class VariationalMessagePassing : IAlgorithm
{
    /// <inheritdoc/>
    public string Name => "VariationalMessagePassing";

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Gibbs sampling: named for compatibility with Infer.NET code; not implemented (inference refuses it).</summary>
public sealed class GibbsSampling : IAlgorithm
{
    /// <inheritdoc/>
    public string Name => "GibbsSampling";

    /// <inheritdoc/>
    public override string ToString() => Name;
}
