using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;

namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// The counts a semi-supervised tagger decodes with: λ·c_tagged + E[c_untagged] after the last Baum-Welch step.
/// <paramref name="Trigrams"/> is dense, [(x·S + y)·S + z] with S = T + 1; <paramref name="Words"/> is the vocabulary of
/// both texts with each word's candidate tags and fractional counts.
/// </summary>
/// <param name="Words">The vocabulary: the tagged words, then the untagged-only words.</param>
/// <param name="Tags">Candidate tag ids per word (ascending).</param>
/// <param name="Counts">c(w, t), parallel to <paramref name="Tags"/>.</param>
/// <param name="Trigrams">Tag trigram counts, dense.</param>
/// <param name="LabelledWeight">λ, the weight the tagged counts carried.</param>
/// <param name="Iterations">Baum-Welch iterations run.</param>
public sealed record SemiSupervisedCounts(string[] Words, int[][] Tags, double[][] Counts, double[] Trigrams, double LabelledWeight, int Iterations);

/// <summary>How <see cref="HmmTagger.TrainSemiSupervised"/> chooses and runs its Baum-Welch step.</summary>
/// <param name="MaxIterations">Baum-Welch iterations tried at most (each is scored on the held-out slice).</param>
/// <param name="LabelledShares">
/// The weights tried, as r in λ = r · (untagged tokens) / (tagged tokens): r ≥ 1 keeps the weighted tagged counts at least
/// as large as the untagged ones (Merialdo 1994 and Elworthy 1994 show free EM from a good supervised start lowers
/// accuracy). Null: {1, 4}.
/// </param>
/// <param name="HeldOutEvery">Every this-many-th tagged sentence (the last of each group) forms the held-out slice used to choose.</param>
/// <param name="MaxThreads">Threads for the E-step (null: all cores).</param>
/// <param name="RequiredZ">
/// How sure the held-out slice must be: a trial is eligible only when gained − lost &gt; z·√(gained + lost) over the
/// held-out tokens on which it and the supervised model disagree (a one-sided sign test, McNemar's). The default 1.645
/// is the 5 % level; 0 accepts any net gain. On Brown (bench <c>tagger --semi</c>) 0 also let through a 5 % gain of
/// +0.29 points on the test split, and a 25 % choice worth −3 test tokens of 105,454; 1.645 keeps only the 1 % gain.
/// </param>
public sealed record SemiSupervisedOptions(int MaxIterations = 4, IReadOnlyList<double>? LabelledShares = null, int HeldOutEvery = 10, int? MaxThreads = null,
    double RequiredZ = 1.645)
{
    /// <summary>The shares tried.</summary>
    public IReadOnlyList<double> Shares => LabelledShares ?? [1.0, 4.0];

    /// <summary>Checks the values and names the first bad one.</summary>
    public void Validate()
    {
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "must be at least 1");
        if (Shares.Count == 0 || Shares.Any(r => !(r > 0 && double.IsFinite(r))))
            throw new ArgumentOutOfRangeException(nameof(LabelledShares), string.Join(", ", Shares), "every share must be positive and finite, and at least one is needed");
        if (HeldOutEvery < 2) throw new ArgumentOutOfRangeException(nameof(HeldOutEvery), HeldOutEvery, "must be at least 2");
        if (MaxThreads is < 1) throw new ArgumentOutOfRangeException(nameof(MaxThreads), MaxThreads, "must be at least 1 when given");
        if (!(RequiredZ >= 0 && double.IsFinite(RequiredZ))) throw new ArgumentOutOfRangeException(nameof(RequiredZ), RequiredZ, "must be a finite number >= 0");
    }
}

/// <summary>One (share, iteration) scored on the held-out slice; iteration 0 is the supervised model.</summary>
/// <param name="Share">The share r (0 for the supervised model).</param>
/// <param name="Iteration">Baum-Welch iterations (0: the supervised model).</param>
/// <param name="HeldOutAccuracy">Token accuracy on the held-out slice.</param>
/// <param name="Gained">Held-out tokens this trial tags right and the supervised model wrong.</param>
/// <param name="Lost">Held-out tokens the supervised model tags right and this trial wrong.</param>
public readonly record struct SemiSupervisedTrial(double Share, int Iteration, double HeldOutAccuracy, long Gained, long Lost);

/// <summary>The outcome of <see cref="HmmTagger.TrainSemiSupervised"/>.</summary>
/// <param name="Tagger">The chosen tagger, trained on all tagged sentences: semi-supervised, or the supervised one when no trial beat it.</param>
/// <param name="Share">The chosen share r (null: the supervised model was kept).</param>
/// <param name="Iterations">Baum-Welch iterations in the chosen model (0: supervised).</param>
/// <param name="Trace">The final Baum-Welch run's objective per iteration (null when the supervised model was kept).</param>
/// <param name="SupervisedHeldOutAccuracy">The supervised model's accuracy on the held-out slice.</param>
/// <param name="Trials">Every trial on the held-out slice.</param>
public sealed record SemiSupervisedResult(HmmTagger Tagger, double? Share, int Iterations, ElboTrace? Trace,
    double SupervisedHeldOutAccuracy, IReadOnlyList<SemiSupervisedTrial> Trials);

public sealed partial class HmmTagger
{
    /// <summary>The semi-supervised counts this tagger decodes with (null for a supervised tagger).</summary>
    public SemiSupervisedCounts? SemiSupervised { get; }

    /// <summary>
    /// Semi-supervised training: a supervised tagger on <paramref name="tagged"/> improved by Baum-Welch on
    /// <paramref name="untagged"/> (see <see cref="Adapt"/>), with the weight and the number of iterations chosen by
    /// accuracy on a held-out slice of the TAGGED sentences (every <see cref="SemiSupervisedOptions.HeldOutEvery"/>-th):
    /// a supervised tagger on the rest is scored, then every share × iteration; the best trial must beat the
    /// supervised score strictly (and pass <see cref="SemiSupervisedOptions.RequiredZ"/>'s sign test), otherwise the supervised tagger on all tagged sentences is returned. The winner is
    /// retrained on all tagged sentences with the same share and iteration count.
    /// </summary>
    public static SemiSupervisedResult TrainSemiSupervised(IReadOnlyList<TaggedSentence> tagged, IReadOnlyList<IReadOnlyList<string>> untagged,
        TaggerOptions? options = null, SemiSupervisedOptions? semi = null, TagSet tagSet = TagSet.Normalised,
        IReadOnlyDictionary<string, string>? universalMap = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tagged);
        ArgumentNullException.ThrowIfNull(untagged);
        semi ??= new SemiSupervisedOptions();
        semi.Validate();
        int every = semi.HeldOutEvery;
        var fit = tagged.Where((_, i) => i % every != every - 1).ToList();
        var dev = tagged.Where((_, i) => i % every == every - 1).ToList();
        if (dev.Count == 0 || fit.Count == 0)
            throw new Core.Data.DataFormatException("the tagged corpus", null,
                $"semi-supervised training holds out every {every}th tagged sentence to choose its settings; {tagged.Count} tagged sentences are too few (at least {every} are needed)");

        var supervisedFit = Train(fit, options, tagSet, universalMap, cancellationToken: cancellationToken);
        var baseRight = supervisedFit.HeldOutCorrect(dev);
        double baseline = (double)baseRight.Count(r => r) / baseRight.Length;
        var trials = new List<SemiSupervisedTrial> { new(0, 0, baseline, 0, 0) };
        var best = trials[0];
        foreach (var share in semi.Shares)
        {
            double lambda = share * CountTokens(untagged) / supervisedFit.Lexicon.TokenCount;
            var em = new SemiSupervisedEm(supervisedFit, untagged, lambda, semi.MaxThreads);
            var scorer = new StepProgress(step =>
            {
                var adapted = supervisedFit.WithCounts(em, step.Iteration);
                var right = adapted.HeldOutCorrect(dev);
                long gained = 0, lost = 0;
                for (int i = 0; i < right.Length; i++) { if (right[i] && !baseRight[i]) gained++; else if (!right[i] && baseRight[i]) lost++; }
                var trial = new SemiSupervisedTrial(share, step.Iteration, (double)right.Count(r => r) / right.Length, gained, lost);
                trials.Add(trial);
                bool eligible = gained - lost > 0 && gained - lost > semi.RequiredZ * Math.Sqrt(gained + lost);
                if (eligible && trial.HeldOutAccuracy > best.HeldOutAccuracy) best = trial;
            });
            ElboDriver.Fit(em, new FitOptions(MaxIterations: semi.MaxIterations, Tolerance: 0, Progress: scorer), cancellationToken);
        }

        var supervised = Train(tagged, options, tagSet, universalMap, cancellationToken: cancellationToken);
        if (best.Iteration == 0) return new SemiSupervisedResult(supervised, null, 0, null, baseline, trials);
        var final = supervised.Adapt(untagged, best.Share * CountTokens(untagged) / supervised.Lexicon.TokenCount, best.Iteration, out var trace, semi.MaxThreads, cancellationToken);
        return new SemiSupervisedResult(final, best.Share, best.Iteration, trace, baseline, trials);
    }

    /// <summary>
    /// Runs <paramref name="iterations"/> steps of Baum-Welch from this (supervised) tagger on <paramref name="untagged"/>
    /// sentences with the tagged counts weighted <paramref name="labelledWeight"/>, on Core's <see cref="ElboDriver"/>
    /// (objective λ·log p(tagged) + log p(untagged), which never decreases), and returns a tagger that decodes with the
    /// combined counts: TnT's interpolated transitions over the fractional trigram counts with this tagger's λs, and
    /// P(w | t) over the words of both texts. Unknown words still go to this tagger's suffix model.
    /// The E-step runs forward-backward over the tagger's own second-order state space (pairs of candidate tags, as
    /// the Viterbi decoder does): words allow only their candidate tags, so the pair space stays small.
    /// </summary>
    public HmmTagger Adapt(IReadOnlyList<IReadOnlyList<string>> untagged, double labelledWeight, int iterations, out ElboTrace trace,
        int? maxThreads = null, CancellationToken cancellationToken = default)
    {
        if (SemiSupervised is not null) throw new InvalidOperationException("this tagger is already semi-supervised; adapt the supervised tagger it came from");
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "must be at least 1");
        var em = new SemiSupervisedEm(this, untagged, labelledWeight, maxThreads);
        trace = ElboDriver.Fit(em, new FitOptions(MaxIterations: iterations, Tolerance: 0), cancellationToken);
        return WithCounts(em, trace.Count);
    }

    // Per held-out token: tagged correctly? A sentence the model cannot decode (every path has probability zero,
    // possible when deleted interpolation gives the unigram weight 0 on a tiny corpus) counts as all wrong.
    private bool[] HeldOutCorrect(IReadOnlyList<TaggedSentence> gold)
    {
        var right = new bool[gold.Sum(s => s.Length)];
        int k = 0;
        foreach (var s in gold)
        {
            string[]? tags;
            try { tags = Tag(s.Words); }
            catch (InvalidOperationException) { tags = null; }
            for (int i = 0; i < s.Length; i++, k++) right[k] = tags is not null && tags[i] == s.Tags[i];
        }
        if (right.Length == 0) throw new ArgumentException("the held-out slice has no tokens");
        return right;
    }

    internal HmmTagger WithCounts(SemiSupervisedEm em, int iterations)
    {
        var c = em.Combined ?? throw new InvalidOperationException("no Baum-Welch step has run");
        var counts = new SemiSupervisedCounts(em.Words, c.WordTags, c.WordTagCounts, c.Trigrams, em.LabelledWeight, iterations);
        return new HmmTagger(Tags.ToArray(), TagSet, UniversalMap, Options, Lexicon, Counts, counts);
    }

    // Decoding tables from fractional counts: a word keeps the tags within UnknownTagRatio of its largest count.
    private static (Dictionary<string, int>, int[][], double[][]) AdaptedEmissions(SemiSupervisedCounts c, int tagCount, double ratio)
    {
        if (c.Words.Length != c.Tags.Length || c.Words.Length != c.Counts.Length)
            throw new ArgumentException($"{c.Words.Length} words but {c.Tags.Length} tag lists and {c.Counts.Length} count lists");
        var totals = new double[tagCount];
        for (int w = 0; w < c.Words.Length; w++)
        {
            if (c.Tags[w].Length != c.Counts[w].Length) throw new ArgumentException($"word '{c.Words[w]}' has {c.Tags[w].Length} tags and {c.Counts[w].Length} counts");
            for (int k = 0; k < c.Tags[w].Length; k++)
            {
                if ((uint)c.Tags[w][k] >= (uint)tagCount) throw new ArgumentException($"word '{c.Words[w]}' has tag index {c.Tags[w][k]} outside 0..{tagCount - 1}");
                if (!(c.Counts[w][k] >= 0 && double.IsFinite(c.Counts[w][k]))) throw new ArgumentException($"word '{c.Words[w]}' has a bad count {c.Counts[w][k]}");
                totals[c.Tags[w][k]] += c.Counts[w][k];
            }
        }
        var index = new Dictionary<string, int>(c.Words.Length, StringComparer.Ordinal);
        var tags = new int[c.Words.Length][];
        var emit = new double[c.Words.Length][];
        for (int w = 0; w < c.Words.Length; w++)
        {
            if (!index.TryAdd(c.Words[w], w)) throw new ArgumentException($"word '{c.Words[w]}' appears twice");
            double max = c.Counts[w].DefaultIfEmpty(0).Max();
            if (!(max > 0)) throw new ArgumentException($"word '{c.Words[w]}' has no positive count");
            var keep = Enumerable.Range(0, c.Tags[w].Length).Where(k => c.Counts[w][k] > 0 && c.Counts[w][k] >= max / ratio).ToArray();
            tags[w] = keep.Select(k => c.Tags[w][k]).ToArray();
            emit[w] = keep.Select(k => Math.Log(c.Counts[w][k] / totals[c.Tags[w][k]])).ToArray();
        }
        return (index, tags, emit);
    }

    private static long CountTokens(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        long n = 0;
        foreach (var s in sentences) n += s.Count;
        if (n == 0) throw new ArgumentException("the untagged text has no tokens", nameof(sentences));
        return n;
    }

    private sealed class StepProgress(Action<ElboStep> onStep) : IProgress<ElboStep>
    {
        public void Report(ElboStep value) => onStep(value);
    }
}
