namespace Probabilistic.Hmm;

/// <summary>
/// Estimates of the memory HMM algorithms need, made before anything is allocated so that a request such as 100,000
/// categorical states (an 80 GB transition matrix) is refused with its size instead of running out of memory.
/// </summary>
public static class HmmMemory
{
    /// <summary>
    /// Bytes for Baum-Welch: the model and the next one (π, A and log A, the emission's parameters), expected counts for
    /// each of the 4 blocks per thread (K² transitions plus one set of emission statistics), and per thread a workspace
    /// for the longest sequence (frame, α, β: 3·T·K values, plus K² scratch), and with up to
    /// <see cref="SequenceLanes.MaxStates"/> states its lane buffers for W sequences (frames, α, γ and the
    /// interleaved observations, estimated as 4·T·K·W values, plus T·W normalisers and K²·W sums).
    /// </summary>
    public static double FitBytes(int states, double emissionValues, long maxLength, int threads)
    {
        double k = states;
        int t = Math.Max(1, threads);
        double model = 2 * (2 * k * k + 2 * k + emissionValues);
        double counts = (4.0 * t + 1) * (k * k + k + emissionValues);
        double lanes = states <= SequenceLanes.MaxStates ? Kernels.LaneForwardBackward.Lanes * (4.0 * maxLength * k + maxLength + k * k + 3 * k) : 0;
        double workspace = t * (3.0 * maxLength * k + maxLength + k * k + 2 * k + lanes);
        return 8 * (model + counts + workspace);
    }

    /// <summary>Bytes for scoring or decoding: the model, and per thread a workspace with back-pointers for the longest sequence.</summary>
    public static double DecodeBytes(int states, double emissionValues, long maxLength, int threads)
    {
        double k = states;
        int t = Math.Max(1, threads);
        return 8 * (2 * k * k + 2 * k + emissionValues) + t * (8 * (3.0 * maxLength * k + maxLength + k * k + 2 * k) + 4.0 * maxLength * (k + 1));
    }
}
