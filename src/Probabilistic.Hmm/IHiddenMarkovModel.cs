namespace Probabilistic.Hmm;

/// <summary>What every HMM offers whatever its emission family (for tools that handle any model file).</summary>
public interface IHiddenMarkovModel
{
    /// <summary>Number of hidden states.</summary>
    int StateCount { get; }

    /// <summary>Values per observation.</summary>
    int Dimension { get; }

    /// <summary>The emission family's name.</summary>
    string Family { get; }

    /// <summary>π, a copy.</summary>
    double[] Start { get; }

    /// <summary>A, K×K row-major, a copy.</summary>
    double[] Transitions { get; }

    /// <summary>log p(x_n) for each sequence.</summary>
    double[] ScoreEach(SequenceSet data, int? maxThreads = null);

    /// <summary>Decodes every sequence.</summary>
    DecodedPath[] DecodeAll(SequenceSet data, DecodeAlgorithm algorithm = DecodeAlgorithm.Viterbi, int? maxThreads = null);
}
