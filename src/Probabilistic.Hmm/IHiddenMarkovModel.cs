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

    /// <summary>Free parameters (K − 1 start, K(K − 1) transitions, and the emissions'), as hmmlearn counts them.</summary>
    long FreeParameters { get; }

    /// <summary>Bayesian information criterion −2 log L + p log N, N the number of observations (hmmlearn's <c>bic</c>).</summary>
    double Bic(SequenceSet data, int? maxThreads = null);

    /// <summary>Akaike information criterion −2 log L + 2p (hmmlearn's <c>aic</c>).</summary>
    double Aic(SequenceSet data, int? maxThreads = null);

    /// <summary>Total log-likelihood in nats over all sequences.</summary>
    double Score(SequenceSet data, int? maxThreads = null);

    /// <summary>Saves the model as versioned JSON.</summary>
    void Save(string path);

    /// <summary>Decodes every sequence.</summary>
    DecodedPath[] DecodeAll(SequenceSet data, DecodeAlgorithm algorithm = DecodeAlgorithm.Viterbi, int? maxThreads = null);
}
