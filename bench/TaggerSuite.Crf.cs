using System.Diagnostics;
using System.Text.Json.Nodes;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Bench;

public static partial class TaggerSuite
{
    /// <summary>
    /// <c>tagger --crf [--iterations=N] [--epochs=N] [--threads=N] [--models=hmm,crf,perceptron,nltk] [--split=files]
    /// [--tagset=universal] [--confusions] [--dev] [--l2=C] [--min-count=N] [--rare=N]</c> (--dev: trained and evaluated inside the training split, for choosing settings): the HMM (TnT), the CRF and the averaged perceptron
    /// over the CRF's features, side by side on the every-10th split with normalised tags: training seconds (from
    /// sentences in memory), tagging tokens/s (one thread, sentence by sentence), accuracy on all / known / unknown words
    /// (unknown: absent from the training words). NLTK's averaged perceptron (../shared/peers/tagger_perceptron.py,
    /// about 5 minutes) runs once and is cached in $PEERS_DATA/tagger_perceptron.json; delete that file to rerun it.
    /// </summary>
    private static int Discriminative(BenchContext context, List<string> files)
    {
        int iterations = IntArg("--iterations=", 100), epochs = IntArg("--epochs=", 5);
        int? threads = Environment.GetCommandLineArgs().Any(a => a.StartsWith("--threads=", StringComparison.Ordinal)) ? IntArg("--threads=", 2) : null;
        var models = (Environment.GetCommandLineArgs().LastOrDefault(a => a.StartsWith("--models=", StringComparison.Ordinal))?["--models=".Length..]
            ?? "hmm,crf,perceptron,nltk").Split(',');
        bool universal = Environment.GetCommandLineArgs().Contains("--tagset=universal");
        bool byFile = Environment.GetCommandLineArgs().Contains("--split=files");
        var tagSet = universal ? TagSet.Universal : TagSet.Normalised;
        var mapping = TagMapping.For(tagSet, universal ? Path.Combine(BenchContext.ProjectRoot(), "datasets", "universal-tags", "en-brown.map") : null);
        List<TaggedSentence> train, test;
        if (byFile)
        {
            // Whole files held out: every tenth file in name order (46 of the 500), so test texts share no document with training.
            train = TaggedCorpus.Read(files.Where((_, i) => i % 10 != 9), CorpusFormat.Brown, mapping).ToList();
            test = TaggedCorpus.Read(files.Where((_, i) => i % 10 == 9), CorpusFormat.Brown, mapping).ToList();
        }
        else
        {
            var all = TaggedCorpus.Read(files, CorpusFormat.Brown, mapping).ToList();
            train = all.Where((_, i) => i % 10 != 9).ToList();
            test = all.Where((_, i) => i % 10 == 9).ToList();
        }
        if (Environment.GetCommandLineArgs().Contains("--dev"))
        {
            // choosing settings without the test split: every tenth training sentence becomes the evaluation set
            test = train.Where((_, i) => i % 10 == 8).ToList();
            train = train.Where((_, i) => i % 10 != 8).ToList();
            Console.WriteLine("--dev: evaluating on every tenth training sentence, trained on the other nine (the test split unused)");
        }
        double l2 = DoubleArg("--l2=", 1.0);
        int minCount = IntArg("--min-count=", new CrfOptions().MinFeatureCount), rare = IntArg("--rare=", new CrfOptions().RareWordThreshold);
        var vocabulary = new HashSet<string>(train.SelectMany(s => s.Words), StringComparer.Ordinal);
        Console.WriteLine($"{(byFile ? "every-10th-file" : "every-10th")} split, {tagSet} tags: {train.Count:N0} train / {test.Count:N0} test sentences; " +
                          $"load average at start: {LoadAverage()}");
        var rows = new List<IReadOnlyList<string>>();
        var json = new JsonObject { ["suite"] = "tagger-crf" };

        var sw = Stopwatch.StartNew();
        if (models.Contains("hmm"))
        {
            var hmm = HmmTagger.Train(train, new TaggerOptions(Order: 3));
            double hmmTrain = sw.Elapsed.TotalSeconds;
            rows.Add(Row("ours HMM (TnT, trigram)", hmmTrain, test, vocabulary, w => hmm.Tag(w), json, "hmm"));
        }

        foreach (var (label, training, max) in new[] { ("ours CRF (L-BFGS)", CrfTraining.ConditionalLikelihood, iterations), ("ours averaged perceptron", CrfTraining.AveragedPerceptron, epochs) })
        {
            if (!models.Contains(training == CrfTraining.ConditionalLikelihood ? "crf" : "perceptron")) continue;
            double? firstStep = null;
            var progress = new Progress<ElboStep>(s =>
            {
                firstStep ??= sw.Elapsed.TotalSeconds - s.Elapsed.TotalSeconds;
                if (s.Iteration % 10 == 0 || s.Iteration <= 2) Console.WriteLine($"  {label} step {s.Iteration}: {s.Elbo:F1}, step time {s.Elapsed.TotalSeconds:F2} s");
            });
            sw.Restart();
            var fit = CrfTagger.Train(train, new CrfOptions(training, L2: l2, MinFeatureCount: minCount, RareWordThreshold: rare, MaxThreads: threads), new FitOptions(MaxIterations: max, Tolerance: 1e-7, Seed: 1, Progress: progress),
                tagSet, universal ? mapping.Table : null);
            double seconds = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"{label}: {fit.Model.FeatureCount:N0} features, {fit.Trace.Count} steps ({fit.Trace.StopReason}), final objective {fit.Trace[^1].Elbo:F1}; " +
                              $"indexing (and the first evaluation) {firstStep:F1} s; load average after training: {LoadAverage()}");
            long nodes = 0, edges = 0, tokens = 0;
            foreach (var s in test)
            {
                var lattice = fit.Model.Lattice(s.Words);
                for (int i = 0; i < lattice.Length; i++) { nodes += lattice[i].Length; edges += i == 0 ? lattice[i].Length : lattice[i - 1].Length * lattice[i].Length; }
                tokens += s.Length;
            }
            Console.WriteLine($"  test lattice: {(double)nodes / tokens:F2} candidates and {(double)edges / tokens:F1} transitions per token");
            UnknownWordLattice(fit.Model, test, vocabulary);
            if (Environment.GetCommandLineArgs().Contains("--confusions")) UnknownWordConfusions(fit.Model, test, vocabulary);
            rows.Add(Row(label, seconds, test, vocabulary, w => fit.Model.Tag(w), json, training == CrfTraining.ConditionalLikelihood ? "crf" : "perceptron"));
        }

        var cache = Path.Combine(context.PeersData, "tagger_perceptron.json");
        JsonObject? nltk = null;
        if (!models.Contains("nltk") || byFile || universal) nltk = null; // the cached NLTK run is on the every-10th split, normalised tags
        else if (File.Exists(cache)) nltk = JsonNode.Parse(File.ReadAllLines(cache).Last(l => l.TrimStart().StartsWith('{')))!.AsObject();
        else if (context.PeersAvailable())
        {
            nltk = context.RunPeer("tagger_perceptron.py");
            Directory.CreateDirectory(context.PeersData);
            File.WriteAllText(cache, nltk.ToJsonString() + "\n");
        }
        if (nltk is not null)
        {
            rows.Add(["NLTK 3.8 averaged perceptron (5 it., cached run)", BenchContext.F((double)nltk["train_s"]!, "F1"), BenchContext.F((double)nltk["tag_tok_per_s"]!, "N0"),
                Pct((double)nltk["accuracy"]!), "—", Pct((double)nltk["unknown_accuracy"]!)]);
            json["nltkPerceptron"] = nltk.DeepClone();
        }
        BenchContext.PrintTable(["tagger", "train s", "tag tok/s (1 thread)", "accuracy", "known", "unknown"], rows);
        Console.WriteLine($"load average at end: {LoadAverage()}");
        Console.WriteLine(json.ToJsonString());
        return 0;
    }

    // Unknown test words: how often the gold tag is outside the candidates, how many candidates, how often the suffix
    // model's best tag (the 'u' feature) is the gold tag.
    private static void UnknownWordLattice(CrfTagger model, List<TaggedSentence> test, HashSet<string> vocabulary)
    {
        long unknown = 0, outside = 0, candidates = 0, classRight = 0;
        foreach (var s in test)
            for (int i = 0; i < s.Length; i++)
            {
                if (vocabulary.Contains(s.Words[i])) continue;
                var (tags, suffixClass) = model.Candidates(s.Words[i], i == 0);
                int gold = model.Tags.ToList().IndexOf(s.Tags[i]);
                unknown++;
                candidates += tags.Length;
                if (gold < 0 || Array.IndexOf(tags, gold) < 0) outside++;
                if (suffixClass == s.Tags[i]) classRight++;
            }
        Console.WriteLine($"  unknown test words: {unknown:N0}; gold tag outside the candidates {100.0 * outside / Math.Max(1, unknown):F2} %; " +
                          $"{(double)candidates / Math.Max(1, unknown):F2} candidates each; suffix class = gold {100.0 * classRight / Math.Max(1, unknown):F2} %");
    }

    // The most frequent (gold → predicted) errors on unknown test words, with an example word each.
    private static void UnknownWordConfusions(CrfTagger model, List<TaggedSentence> test, HashSet<string> vocabulary)
    {
        var errors = new Dictionary<(string Gold, string Predicted), (int Count, string Example)>();
        foreach (var s in test)
        {
            var predicted = model.Tag(s.Words);
            for (int i = 0; i < s.Length; i++)
                if (!vocabulary.Contains(s.Words[i]) && predicted[i] != s.Tags[i])
                {
                    var key = (s.Tags[i], predicted[i]);
                    var (count, example) = errors.GetValueOrDefault(key, (0, s.Words[i]));
                    errors[key] = (count + 1, example);
                }
        }
        Console.WriteLine("  unknown-word errors (gold -> predicted: count, example): " + string.Join("; ",
            errors.OrderByDescending(e => e.Value.Count).Take(15).Select(e => $"{e.Key.Gold} -> {e.Key.Predicted}: {e.Value.Count} ({e.Value.Example})")));
    }

    private static IReadOnlyList<string> Row(string label, double trainSeconds, List<TaggedSentence> test, HashSet<string> vocabulary,
        Func<string[], string[]> tag, JsonObject json, string key)
    {
        var predicted = new string[test.Count][];
        // the fastest of 10 passes over the test split (a pass is 0.1-0.2 s; on a shared machine fewer passes mostly measure the neighbours)
        double seconds = BenchContext.MinSeconds(10, () => { for (int i = 0; i < test.Count; i++) predicted[i] = tag(test[i].Words); });
        var e = new TaggingEvaluation();
        for (int i = 0; i < test.Count; i++) e.Add(test[i].Tags, predicted[i], test[i].Words.Select(vocabulary.Contains).ToArray());
        double rate = e.Tokens / seconds;
        json[key] = new JsonObject { ["trainSeconds"] = trainSeconds, ["tokensPerSecond"] = rate, ["accuracy"] = e.Accuracy, ["known"] = e.KnownAccuracy, ["unknown"] = e.UnknownAccuracy };
        return [label, BenchContext.F(trainSeconds, "F1"), BenchContext.F(rate, "N0"), Pct(e.Accuracy), Pct(e.KnownAccuracy), Pct(e.UnknownAccuracy)];
    }

    private static double DoubleArg(string prefix, double fallback)
    {
        var arg = Environment.GetCommandLineArgs().LastOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal));
        return arg is null ? fallback : double.Parse(arg[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int IntArg(string prefix, int fallback)
    {
        var arg = Environment.GetCommandLineArgs().LastOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal));
        return arg is null ? fallback : int.Parse(arg[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
