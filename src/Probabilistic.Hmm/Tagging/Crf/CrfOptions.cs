namespace Probabilistic.Hmm.Tagging;

/// <summary>How a <see cref="CrfTagger"/>'s weights are learned.</summary>
public enum CrfTraining
{
    /// <summary>
    /// The conditional random field: maximise Σ_s log p(tags_s | words_s) − L2·‖w‖² by L-BFGS, one iteration per
    /// step of <see cref="Core.Inference.ElboDriver"/>; the trace holds that penalised conditional log-likelihood in nats.
    /// </summary>
    ConditionalLikelihood,

    /// <summary>
    /// The averaged structured perceptron (Collins 2002) over the same features and lattice: one epoch per step, the
    /// sentences in a seeded shuffled order; the trace holds minus the perceptron loss Σ (score of the decoded path −
    /// score of the gold path) of the epoch, in score units (not nats).
    /// </summary>
    AveragedPerceptron,
}

/// <summary>Which observation templates a <see cref="CrfTagger"/> uses.</summary>
public enum CrfTemplates
{
    /// <summary>All of <see cref="CrfFeatures"/>' templates: word, lower case, affixes, shape, neighbours, suffix class.</summary>
    All,

    /// <summary>The word's identity only: with the transitions, the discriminative twin of an HMM (for checks against one).</summary>
    WordIdentity,
}

/// <summary>
/// Settings of a <see cref="CrfTagger"/> (a first-order chain: tag-bigram transitions): the features, the candidate lattice and the training criterion. How many
/// iterations (L-BFGS iterations or perceptron epochs), the tolerance and the seed are the <see cref="Core.Inference.FitOptions"/>.
/// </summary>
/// <param name="Training">Conditional likelihood (the CRF) or the averaged perceptron.</param>
/// <param name="L2">c in the penalty c·‖w‖² on the summed log-likelihood; the default 1 is CRFsuite's default c2 (the same penalty).</param>
/// <param name="MinFeatureCount">
/// An observation attribute (a word, suffix, neighbour, ...) is kept when it fires on at least this many training tokens.
/// The default 1 keeps them all: chosen inside the Brown training split (every tenth training sentence held out, `bench --
/// tagger --crf --dev`), where 1 beat 2 and 3 for the CRF (all / unknown 97.64 / 84.92 % against 97.59 / 84.68 % and 97.58 /
/// 84.92 %) and for the perceptron (97.59 / 84.27 % against 97.56 / 84.10 %). Rare training words still learn the spelling
/// features unknown words use, through their suffix class and candidates taken with themselves left out.
/// </param>
/// <param name="RareWordThreshold">
/// Words seen at most this often feed the suffix model (TnT's unknown-word model) and, like unknown words, take the
/// suffix model's candidate tags besides their own, and its best tag as a feature.
/// </param>
/// <param name="MaxSuffixLength">Longest suffix the suffix model conditions on (TnT: 10).</param>
/// <param name="CandidateRatio">Rare and unknown words take the tags whose suffix-model probability is at least the best one's divided by this.</param>
/// <param name="DenseTagLimit">
/// With at most this many tags (named-entity and chunk tag sets, universal POS tags), rare and unknown words may take
/// every tag, and the features and context decide; with more (the 104 Brown tags), the suffix model's shortlist.
/// </param>
/// <param name="LbfgsMemory">Correction pairs L-BFGS keeps.</param>
/// <param name="Templates">Which observation templates fire.</param>
/// <param name="MaxThreads">Worker threads for the conditional likelihood (null: all cores); the result does not depend on it.</param>
public sealed record CrfOptions(
    CrfTraining Training = CrfTraining.ConditionalLikelihood,
    double L2 = 1.0,
    int MinFeatureCount = 1,
    int RareWordThreshold = 10,
    int MaxSuffixLength = 10,
    double CandidateRatio = 1e3,
    int DenseTagLimit = 32,
    int LbfgsMemory = 10,
    int? MaxThreads = null,
    CrfTemplates Templates = CrfTemplates.All)
{
    /// <summary>Throws naming the first option out of range.</summary>
    public void Validate()
    {
        if (!(L2 >= 0 && double.IsFinite(L2))) throw new ArgumentOutOfRangeException(nameof(L2), L2, "must be finite and >= 0");
        if (MinFeatureCount < 1) throw new ArgumentOutOfRangeException(nameof(MinFeatureCount), MinFeatureCount, "must be at least 1");
        if (RareWordThreshold < 0) throw new ArgumentOutOfRangeException(nameof(RareWordThreshold), RareWordThreshold, "must be >= 0");
        if (MaxSuffixLength < 0) throw new ArgumentOutOfRangeException(nameof(MaxSuffixLength), MaxSuffixLength, "must be >= 0");
        if (!(CandidateRatio >= 1)) throw new ArgumentOutOfRangeException(nameof(CandidateRatio), CandidateRatio, "must be at least 1");
        if (DenseTagLimit < 0) throw new ArgumentOutOfRangeException(nameof(DenseTagLimit), DenseTagLimit, "must be >= 0");
        if (LbfgsMemory < 1) throw new ArgumentOutOfRangeException(nameof(LbfgsMemory), LbfgsMemory, "must be at least 1");
        if (MaxThreads is < 1) throw new ArgumentOutOfRangeException(nameof(MaxThreads), MaxThreads, "at least one thread");
        if (!Enum.IsDefined(Templates)) throw new ArgumentOutOfRangeException(nameof(Templates), Templates, "unknown template set");
        if (!Enum.IsDefined(Training)) throw new ArgumentOutOfRangeException(nameof(Training), Training, "unknown training criterion");
    }
}
