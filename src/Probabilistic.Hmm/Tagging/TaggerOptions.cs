namespace Probabilistic.Hmm.Tagging;

/// <summary>How an <see cref="HmmTagger"/> is trained and how it decodes.</summary>
/// <param name="Order">2: bigram transitions P(t_i | t_{i-1}); 3: trigram transitions P(t_i | t_{i-2}, t_{i-1}) (TnT).</param>
/// <param name="RareWordThreshold">Words seen at most this often feed the suffix model for unknown words (TnT: 10).</param>
/// <param name="MaxSuffixLength">Longest suffix the unknown-word model conditions on (TnT: 10).</param>
/// <param name="BeamRatio">
/// Viterbi beam: states whose probability is below the best at that position divided by this ratio are dropped (TnT
/// uses 1000). <see cref="double.PositiveInfinity"/> gives exact Viterbi.
/// </param>
/// <param name="SuffixThetaScale">
/// Factor on TnT's θ (the standard deviation of the rare words' tag probabilities) in successive abstraction: 1 is
/// TnT exactly; null (the default) picks it from {1, 2, 4, …, 128} by held-out likelihood of rare training words.
/// </param>
/// <param name="UnknownTagRatio">An unknown word's candidate tags are those with P(t | suffix) at least the best one's divided by this ratio.</param>
public sealed record TaggerOptions(
    int Order = 3,
    int RareWordThreshold = 10,
    int MaxSuffixLength = 10,
    double BeamRatio = 1000,
    double UnknownTagRatio = 1e4,
    double? SuffixThetaScale = null)
{
    /// <summary>Checks the values and names the first bad one.</summary>
    public void Validate()
    {
        if (Order is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(Order), Order, "the tagger's order must be 2 (bigram) or 3 (trigram)");
        if (RareWordThreshold < 1) throw new ArgumentOutOfRangeException(nameof(RareWordThreshold), RareWordThreshold, "must be at least 1");
        if (MaxSuffixLength < 0) throw new ArgumentOutOfRangeException(nameof(MaxSuffixLength), MaxSuffixLength, "must be non-negative");
        if (!(BeamRatio >= 1)) throw new ArgumentOutOfRangeException(nameof(BeamRatio), BeamRatio, "must be at least 1 (PositiveInfinity for exact Viterbi)");
        if (SuffixThetaScale is double th && !(th > 0 && double.IsFinite(th))) throw new ArgumentOutOfRangeException(nameof(SuffixThetaScale), th, "must be positive and finite");
        if (!(UnknownTagRatio >= 1)) throw new ArgumentOutOfRangeException(nameof(UnknownTagRatio), UnknownTagRatio, "must be at least 1");
    }
}
