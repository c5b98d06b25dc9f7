namespace Probabilistic.Hmm.Emissions;

/// <summary>
/// An emission family that also evaluates densities and accumulates statistics for W sequences at once, in the
/// lane-interleaved layout of <see cref="Kernels.LaneForwardBackward"/> (W = its <c>Lanes</c>): observations T×D×W
/// (element [(t·D + d)·W + l]), log densities and posteriors T×K×W. Families without it still run on lanes: their
/// one-sequence methods are called lane by lane and the results interleaved.
/// </summary>
internal interface ILaneEmission<TStats> where TStats : class
{
    /// <summary>log p(x_t | k) of every lane; padding observations are any finite values.</summary>
    void LaneLogLikelihoods(ReadOnlySpan<double> observations, int steps, Span<double> logProb);

    /// <summary>Adds every lane's posterior-weighted statistics; posteriors are 0 on padding steps and unused lanes.</summary>
    void LaneAccumulate(TStats stats, ReadOnlySpan<double> observations, int steps, ReadOnlySpan<double> posteriors);
}
