using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Probabilistic.Core.Data;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Bench;

/// <summary>
/// <c>tagger</c>: the TnT-style HMM tagger on ../shared/datasets/brown with the peers' split (files in sorted name order,
/// one sentence per non-blank line, sentence i is test iff i % 10 == 9; ../shared/peers/brown.py), normalised tags:
/// training seconds (from sentences in memory, as the peers time it), tagging tokens/s (one thread, sentence by
/// sentence, as the peers tag), accuracy on all / known / unknown words; NLTK's HMM tagger and pomegranate's bigram
/// HMM run in the same invocation on the same split; plus our accuracy with the universal tag set. <c>tagger --crf</c>:
/// the HMM, the CRF and the averaged perceptron side by side (<see cref="Discriminative"/>); <c>tagger --semi</c>:
/// semi-supervised training.
/// </summary>
public static partial class TaggerSuite
{
    public static int Run(BenchContext context)
    {
        var brown = Path.Combine(context.SharedDirectory, "datasets", "brown");
        if (!Directory.Exists(brown)) { Console.WriteLine($"tagger: {brown} not found; nothing to measure"); return 0; }
        int repeats = context.Quick ? 1 : 3;
        var files = Directory.GetFiles(brown).Where(f => Regex.IsMatch(Path.GetFileName(f), "^c[a-r][0-9][0-9]$"))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
        var universalMap = Path.Combine(BenchContext.ProjectRoot(), "datasets", "universal-tags", "en-brown.map");
        if (Environment.GetCommandLineArgs().Contains("--semi")) return Semi(context, files);
        if (Environment.GetCommandLineArgs().Contains("--crf")) return Discriminative(context, files);

        var rows = new List<IReadOnlyList<string>>();
        var results = new Dictionary<string, Measured>();
        foreach (var (label, tagSet, order) in new[] { ("ours trigram (TnT)", TagSet.Normalised, 3), ("ours bigram", TagSet.Normalised, 2), ("ours trigram, universal tags", TagSet.Universal, 3) })
        {
            var mapping = TagMapping.For(tagSet, universalMap);
            var all = TaggedCorpus.Read(files, CorpusFormat.Brown, mapping).ToList();
            var train = all.Where((_, i) => i % 10 != 9).ToList();
            var test = all.Where((_, i) => i % 10 == 9).ToList();
            var m = Measure(train, test, new TaggerOptions(Order: order), tagSet, mapping, repeats);
            results[label] = m;
            rows.Add([label, m.Tags.ToString(), BenchContext.F(m.TrainSeconds, "F2"), BenchContext.F(m.TokensPerSecond, "N0"),
                BenchContext.F(m.TokensPerSecondParallel, "N0"), Pct(m.Accuracy), Pct(m.Known), Pct(m.Unknown)]);
            Console.WriteLine($"{label}: {train.Count:N0} train / {test.Count:N0} test sentences, {m.TestTokens:N0} test tokens, θ scale {m.ThetaScale}, λ = {m.Lambdas}");
        }

        JsonObject? nltk = null, pome = null;
        if (context.PeersAvailable())
        {
            nltk = context.RunPeer("tagger_nltk.py", "--split", "every10", "--repeats", "1");
            pome = context.RunPeer("hmm_pomegranate.py", "brown", "--split", "every10", "--repeats", "1");
            rows.Add(["NLTK 3.8 HmmTagger (bigram, Lidstone 0.1)", "104", BenchContext.F(Best(nltk["train_s"]), "F2"), BenchContext.F(BestRate(nltk["tag_tok_per_s"]), "N0"), "—",
                Pct((double)nltk["accuracy"]!), Pct((double)nltk["accuracy_known"]!), Pct((double)nltk["accuracy_unknown"]!)]);
            var mft = nltk["most_frequent_tag"]!;
            rows.Add(["most-frequent-tag baseline (NLTK run)", "104", "—", "—", "—", Pct((double)mft["accuracy"]!), "—", Pct((double)mft["accuracy_unknown"]!)]);
            rows.Add(["pomegranate 0.14 discrete HMM (bigram)", ((int)pome["states"]!).ToString(), BenchContext.F((double)pome["model_build_s"]!, "F2") + " (build)",
                BenchContext.F(BestRate(pome["viterbi_tok_per_s"]), "N0"), "—", Pct((double)pome["viterbi_accuracy"]!), "—", Pct((double)pome["viterbi_accuracy_unknown"]!)]);
        }
        BenchContext.PrintTable(["tagger", "tags", "train s", "tag tok/s (1 thread)", "tag tok/s (all cores)", "accuracy", "known", "unknown"], rows);

        var ours = results["ours trigram (TnT)"];
        if (nltk is not null && pome is not null)
        {
            Console.WriteLine();
            Console.WriteLine("ratios (ours trigram / peer, same split, same run; speed > 1 means we are faster):");
            BenchContext.PrintTable(["peer", "training speed-up", "tagging speed-up (1 thread)", "accuracy Δ (points)", "unknown Δ (points)"],
            [
                ["NLTK", BenchContext.F(Best(nltk["train_s"]) / ours.TrainSeconds, "F1") + "×", BenchContext.F(ours.TokensPerSecond / BestRate(nltk["tag_tok_per_s"]), "F0") + "×",
                    BenchContext.F(100 * (ours.Accuracy - (double)nltk["accuracy"]!), "+0.00;-0.00"), BenchContext.F(100 * (ours.Unknown - (double)nltk["accuracy_unknown"]!), "+0.00;-0.00")],
                ["pomegranate", BenchContext.F((double)pome["model_build_s"]! / ours.TrainSeconds, "F1") + "× (vs build)", BenchContext.F(ours.TokensPerSecond / BestRate(pome["viterbi_tok_per_s"]), "F1") + "×",
                    BenchContext.F(100 * (ours.Accuracy - (double)pome["viterbi_accuracy"]!), "+0.00;-0.00"), BenchContext.F(100 * (ours.Unknown - (double)pome["viterbi_accuracy_unknown"]!), "+0.00;-0.00")],
            ]);
        }
        var uni = results["ours trigram, universal tags"];
        Console.WriteLine();
        Console.WriteLine($"targets: trigram normalised accuracy {Pct(ours.Accuracy)} (≥ 96.0), unknown {Pct(ours.Unknown)} (≥ 80), universal {Pct(uni.Accuracy)} (≥ 97.0), " +
                          $"training {BenchContext.F(ours.TrainSeconds, "F2")} s (< 30), tagging {BenchContext.F(ours.TokensPerSecond, "N0")} tok/s (≥ 200,000)");
        Console.WriteLine(BenchContext.Json(new
        {
            suite = "tagger", trainSeconds = ours.TrainSeconds, tokensPerSecond = ours.TokensPerSecond, tokensPerSecondParallel = ours.TokensPerSecondParallel,
            accuracy = ours.Accuracy, known = ours.Known, unknown = ours.Unknown, universalAccuracy = uni.Accuracy,
            bigramAccuracy = results["ours bigram"].Accuracy,
            nltkAccuracy = (double?)nltk?["accuracy"], nltkTokensPerSecond = nltk is null ? (double?)null : BestRate(nltk["tag_tok_per_s"]),
            pomegranateAccuracy = (double?)pome?["viterbi_accuracy"], pomegranateTokensPerSecond = pome is null ? (double?)null : BestRate(pome["viterbi_tok_per_s"]),
        }));
        return 0;
    }

    /// <summary>
    /// <c>tagger --semi [--fractions=1,5,25] [--semi-z=Z]</c>: semi-supervised training. Of the training sentences (the same every-10th
    /// split), every k-th sentence keeps its tags (k = 100 / percent) and the others give their words as untagged text;
    /// the supervised tagger on the tagged part and <see cref="HmmTagger.TrainSemiSupervised"/> (settings chosen on a
    /// slice of the tagged part, never the test split) are scored on the test split, with known/unknown split by the
    /// tagged lexicon for both, so the columns cover the same tokens.
    /// </summary>
    private static int Semi(BenchContext context, List<string> files)
    {
        var arg = Environment.GetCommandLineArgs().LastOrDefault(a => a.StartsWith("--fractions=", StringComparison.Ordinal));
        var percents = arg is null ? (context.Quick ? [1.0] : [1.0, 5.0, 25.0])
            : arg["--fractions=".Length..].Split(',').Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var zArg = Environment.GetCommandLineArgs().LastOrDefault(a => a.StartsWith("--semi-z=", StringComparison.Ordinal));
        double z = zArg is null ? new SemiSupervisedOptions().RequiredZ : double.Parse(zArg["--semi-z=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"held-out guard: a trial must gain net tokens on the held-out slice, gained − lost > {z}·√(gained + lost)");
        var mapping = TagMapping.For(TagSet.Normalised, null);
        var all = TaggedCorpus.Read(files, CorpusFormat.Brown, mapping).ToList();
        var train = all.Where((_, i) => i % 10 != 9).ToList();
        var test = all.Where((_, i) => i % 10 == 9).ToList();
        var rows = new List<IReadOnlyList<string>>();
        var json = new List<object>();
        foreach (var percent in percents)
        {
            int every = (int)Math.Round(100 / percent);
            var tagged = train.Where((_, i) => i % every == 0).ToList();
            var untagged = train.Where((_, i) => i % every != 0).Select(s => (IReadOnlyList<string>)s.Words).ToList();
            var sw = Stopwatch.StartNew();
            var supervised = HmmTagger.Train(tagged, new TaggerOptions());
            double supSeconds = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var result = untagged.Count > 0 ? HmmTagger.TrainSemiSupervised(tagged, untagged, new TaggerOptions(), new SemiSupervisedOptions(MaxThreads: 2, RequiredZ: z)) : null;
            double semiSeconds = sw.Elapsed.TotalSeconds;
            var a = Score(supervised, supervised, test);
            var b = result is null ? a : Score(result.Tagger, supervised, test);
            string chosen = result is null ? "no untagged text" : result.Iterations == 0 ? "kept supervised" : $"r = {result.Share}, {result.Iterations} it.";
            string trials = result is null ? "" : string.Join(" ", result.Trials.Select(t => $"{t.Share}/{t.Iteration}:{100 * t.HeldOutAccuracy:F2}(+{t.Gained}-{t.Lost})"));
            Console.WriteLine($"{percent}% tagged: {tagged.Count:N0} tagged / {untagged.Count:N0} untagged sentences; held-out trials (share/iteration:accuracy % (+gained−lost tokens)) {trials}");
            if (result?.Trace is { } trace) Console.WriteLine($"  final objective per iteration (nats): {string.Join(", ", trace.Select(t => t.Elbo.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
            rows.Add([$"{percent}%", tagged.Sum(s => (long)s.Length).ToString("N0"), BenchContext.F(supSeconds, "F1"), BenchContext.F(semiSeconds, "F1"), chosen,
                Pct(a.Accuracy), Pct(b.Accuracy), Pct(a.Known), Pct(b.Known), Pct(a.Unknown), Pct(b.Unknown),
                BenchContext.F(a.TokensPerSecond, "N0"), BenchContext.F(b.TokensPerSecond, "N0")]);
            json.Add(new { percent, supervised = a.Accuracy, semi = b.Accuracy, supervisedUnknown = a.Unknown, semiUnknown = b.Unknown, share = result?.Share, iterations = result?.Iterations ?? 0 });
        }
        BenchContext.PrintTable(["tagged", "tagged tokens", "sup. train s", "semi train s", "chosen", "sup. acc.", "semi acc.", "sup. known", "semi known", "sup. unknown", "semi unknown", "sup. tag tok/s", "semi tag tok/s"], rows);
        Console.WriteLine("known / unknown: by the tagged lexicon (the same tokens in both columns)");
        Console.WriteLine(BenchContext.Json(new { suite = "tagger-semi", rows = json }));
        return 0;
    }

    private static (double Accuracy, double Known, double Unknown, double TokensPerSecond) Score(HmmTagger tagger, HmmTagger supervised, List<TaggedSentence> test)
    {
        var predicted = new string[test.Count][];
        double seconds = BenchContext.MinSeconds(2, () => { for (int i = 0; i < test.Count; i++) predicted[i] = tagger.Tag(test[i].Words); }, warmUp: true);
        var e = new TaggingEvaluation();
        for (int i = 0; i < test.Count; i++) e.Add(test[i].Tags, predicted[i], test[i].Words.Select(supervised.IsKnown).ToArray());
        return (e.Accuracy, e.KnownAccuracy, e.UnknownAccuracy, test.Sum(x => (long)x.Length) / seconds);
    }

    private sealed record Measured(int Tags, double TrainSeconds, double TokensPerSecond, double TokensPerSecondParallel, double Accuracy, double Known, double Unknown,
        long TestTokens, double ThetaScale, string Lambdas);

    private static Measured Measure(List<TaggedSentence> train, List<TaggedSentence> test, TaggerOptions options, TagSet tagSet, TagMapping mapping, int repeats)
    {
        HmmTagger? tagger = null;
        double trainSeconds = BenchContext.MinSeconds(repeats, () => tagger = HmmTagger.Train(train, options, tagSet, mapping.Table), warmUp: true);
        long tokens = test.Sum(s => (long)s.Length);
        var predicted = new string[test.Count][];
        double tagSeconds = BenchContext.MinSeconds(repeats, () =>
        {
            for (int i = 0; i < test.Count; i++) predicted[i] = tagger!.Tag(test[i].Words);
        });
        double parallelSeconds = BenchContext.MinSeconds(repeats, () =>
            Parallel.For(0, test.Count, i => tagger!.Tag(test[i].Words)));
        var e = new TaggingEvaluation();
        for (int i = 0; i < test.Count; i++) e.Add(test[i].Tags, predicted[i], test[i].Words.Select(tagger!.IsKnown).ToArray());
        return new Measured(tagger!.Tags.Count, trainSeconds, tokens / tagSeconds, tokens / parallelSeconds, e.Accuracy, e.KnownAccuracy, e.UnknownAccuracy,
            tokens, tagger.Suffixes.ThetaScale, string.Join(", ", tagger.Transitions.Lambdas.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))));
    }

    private static double Best(JsonNode? stats) => (double)stats!["min"]!;

    private static double BestRate(JsonNode? stats) => stats!["all"]!.AsArray().Max(x => (double)x!);

    private static string Pct(double x) => BenchContext.F(100 * x, "F2") + " %";
}
