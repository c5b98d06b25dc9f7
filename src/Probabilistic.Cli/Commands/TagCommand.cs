using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Cli.Commands;

/// <summary>Input/output layout of <c>prob tag tag</c>.</summary>
public enum TagStreamFormat
{
    /// <summary>
    /// One sentence per line of raw text, split into tokens as the Brown corpus is (<see cref="EnglishTokenizer"/>; with
    /// <c>--pretokenized</c>, at white space only); output <c>word/tag</c> tokens, one sentence per line.
    /// </summary>
    Text,

    /// <summary>One token per line (first column is the word), a blank line between sentences; output <c>word&lt;tab&gt;tag</c>.</summary>
    Conll,

    /// <summary>One sentence per line of <c>word/tag</c> tokens (existing tags are ignored and replaced).</summary>
    WordTag,
}

/// <summary>
/// <c>prob tag train|tag|eval</c>: trains the TnT-style HMM tagger, the CRF or the averaged perceptron on tagged files, tags a stream sentence by sentence,
/// and scores a model on gold-tagged files.
/// </summary>
public static class TagCommand
{
    /// <summary>The shipped model, relative to the datasets folder.</summary>
    public const string ShippedModel = "models/brown-sample.tagger.json";

    /// <summary>Builds the command; <paramref name="input"/> replaces standard input (for tests).</summary>
    public static Command Create(TextReader? input = null)
    {
        // System.CommandLine 3.0 cannot hold a subcommand named like its parent (its token table is keyed by name), so
        // tagging is the action of 'tag' itself: 'prob tag -m MODEL < in > out'.
        var command = CreateTag(input);
        command.Add(CreateTrain());
        command.Add(CreateEval());
        return command;
    }

    private static Command CreateTrain()
    {
        var format = new Option<CorpusFormat>("--format") { Description = "Layout of the training files: brown, conll or wordtag", DefaultValueFactory = _ => CorpusFormat.Brown };
        var json = Conventions.Json();
        var order = new Option<int>("--order") { Description = "2: bigram HMM; 3: trigram HMM (TnT)", DefaultValueFactory = _ => 3 };
        var tagset = new Option<TagSet>("--tagset") { Description = "brown (as in the files), normalised (104 Brown tags) or universal (12 tags)", DefaultValueFactory = _ => TagSet.Normalised };
        var tagMap = new Option<string?>("--tag-map") { Description = "Brown-to-universal map (default: datasets/universal-tags/en-brown.map)" };
        var files = new Argument<string[]>("files") { Description = "Tagged files or directories (expanded to their files in name order)", Arity = ArgumentArity.OneOrMore };
        var untagged = new Option<string?>("--untagged") { Description = "Untagged text (a sentence per line, tokens separated by white space): improve the supervised model by Baum-Welch on it, with the weight and iteration count chosen on every 10th tagged sentence (the supervised model is kept when no choice beats it there)" };
        var untaggedFormat = new Option<TagStreamFormat>("--untagged-format") { Description = "Layout of --untagged: text, conll or wordtag (tags ignored)", DefaultValueFactory = _ => TagStreamFormat.Text };
        var semiIterations = new Option<int>("--semi-iterations") { Description = "With --untagged: Baum-Welch iterations tried at most (each scored on the held-out slice)", DefaultValueFactory = _ => 4 };
        var semiZ = new Option<double>("--semi-z") { Description = "With --untagged: a Baum-Welch setting must beat the supervised model on the held-out slice by gained − lost > Z·√(gained + lost) tokens (a sign test; 0: any net gain)", DefaultValueFactory = _ => 1.645 };
        var output = Conventions.Output("Model file to write (written atomically)");
        var kind = new Option<string>("--model") { Description = "hmm: the TnT-style HMM (counting, seconds); crf: a linear-chain CRF by L-BFGS on the conditional likelihood; perceptron: the averaged perceptron over the CRF's features", DefaultValueFactory = _ => "hmm" }
            .OneOf("hmm", "crf", "perceptron");
        var maxIter = Conventions.MaxIterations("With --model crf: L-BFGS iterations at most (default 100); perceptron: epochs (default 5)", 0);
        var tol = Conventions.Tolerance(1e-7, "with --model crf or perceptron");
        var l2 = new Option<double>("--l2") { Description = "With --model crf: c in the penalty c·‖w‖²", DefaultValueFactory = _ => new CrfOptions().L2 };
        var minCount = new Option<int>("--min-count") { Description = "With --model crf or perceptron: keep an attribute (word, suffix, neighbour, ...) seen on at least this many training tokens", DefaultValueFactory = _ => new CrfOptions().MinFeatureCount };
        var threads = new Option<int?>("--threads") { Description = "With --model crf: worker threads (default: all cores; the result does not depend on it)" };
        var seed = Conventions.Seed("With --model perceptron: seed of the sentence order in each epoch");
        var command = new Command("train", "Train a tagger on tagged files and save it") { kind, format, order, tagset, tagMap, output, untagged, untaggedFormat, semiIterations, semiZ, maxIter, tol, l2, minCount, threads, seed, json, files };
        command.SetAction((parse, ct) =>
        {
            var modelKind = parse.GetValue(kind)!;
            if (modelKind != "hmm") return Task.FromResult(TrainDiscriminative(parse, modelKind, ct));
            foreach (var (option, name) in new (Option, string)[] { (maxIter, "--max-iter"), (tol, "--tol"), (l2, "--l2"), (minCount, "--min-count"), (threads, "--threads"), (seed, "--seed") })
                if (parse.GetResult(option) is { Implicit: false }) throw new UsageException($"{name} applies to --model crf or perceptron, not hmm");
            int o = parse.GetValue(order);
            if (o is not (2 or 3)) throw new UsageException($"--order must be 2 or 3, not {o}");
            var set = parse.GetValue(tagset);
            Checks.OnlyWith(parse, tagMap, set == TagSet.Universal, "applies to --tagset universal only");
            var mapPath = set == TagSet.Universal ? parse.GetValue(tagMap) ?? DefaultTagMap() : null;
            var paths = ExpandCorpusFiles(parse.GetValue(files)!);
            var untaggedInput = parse.GetValue(untagged);
            var outputPath = Checks.Output(parse.GetValue(output), "-o",
                paths.Select(p => new InputFile(p, "training file")).Append(new InputFile(mapPath ?? "", "--tag-map")).Append(new InputFile(untaggedInput ?? "", "--untagged")));
            var mapping = TagMapping.For(set, mapPath);
            var error = parse.InvocationConfiguration.Error;
            var sw = Stopwatch.StartNew();
            var progress = new StderrProgress(t => error.WriteLine($"prob tag train: {t:N0} tokens read"));
            var untaggedPath = parse.GetValue(untagged);
            int maxSemi = parse.GetValue(semiIterations);
            if (untaggedPath is null && parse.GetResult(semiIterations) is { Implicit: false })
                throw new UsageException("--semi-iterations needs --untagged FILE");
            if (untaggedPath is null && parse.GetResult(semiZ) is { Implicit: false })
                throw new UsageException("--semi-z needs --untagged FILE");
            if (maxSemi < 1) throw new UsageException($"--semi-iterations must be at least 1, not {maxSemi}");
            double z = parse.GetValue(semiZ);
            if (!(z >= 0 && double.IsFinite(z))) throw new UsageException($"--semi-z must be a finite number >= 0, not {z}");
            HmmTagger tagger;
            ElboTrace? trace = null;
            if (untaggedPath is null)
            {
                tagger = HmmTagger.Train(TaggedCorpus.Read(paths, parse.GetValue(format), mapping), new TaggerOptions(Order: o), set,
                    mapping.Table, progress, ct);
            }
            else
            {
                var tagged = TaggedCorpus.Read(paths, parse.GetValue(format), mapping).ToList();
                List<IReadOnlyList<string>> raw;
                using (var reader = DataFiles.OpenText(untaggedPath))
                    raw = ReadSentences(reader, untaggedPath, parse.GetValue(untaggedFormat)).Select(w => (IReadOnlyList<string>)w).ToList();
                if (raw.Sum(r => r.Count) == 0) throw new DataFormatException(untaggedPath, null, "the untagged file has no tokens");
                var result = HmmTagger.TrainSemiSupervised(tagged, raw, new TaggerOptions(Order: o), new SemiSupervisedOptions(MaxIterations: maxSemi, RequiredZ: z), set, mapping.Table, ct);
                tagger = result.Tagger;
                trace = result.Trace;
                var trials = string.Join(", ", result.Trials.Skip(1).Select(t => $"r={t.Share.ToString(CultureInfo.InvariantCulture)}/{t.Iteration}: {100 * t.HeldOutAccuracy:F2} %"));
                error.WriteLine($"prob tag train: semi-supervised on {raw.Count:N0} untagged sentences; held-out accuracy supervised {100 * result.SupervisedHeldOutAccuracy:F2} %, {trials}; " +
                                (result.Iterations == 0 ? "kept the supervised model (no Baum-Welch setting beat it on the held-out slice)"
                                    : $"chose share {result.Share!.Value.ToString(CultureInfo.InvariantCulture)} (λ = {tagger.SemiSupervised!.LabelledWeight.ToString("G4", CultureInfo.InvariantCulture)}), {result.Iterations} iteration(s); objective {string.Join(" -> ", result.Trace!.Select(t => t.Elbo.ToString("F1", CultureInfo.InvariantCulture)))} nats"));
            }
            var path = outputPath;
            ct.ThrowIfCancellationRequested(); // interrupted training saves nothing (there is no partial tagger)
            tagger.Save(path);
            error.WriteLine($"prob tag train: {tagger.Lexicon.TokenCount:N0} tokens, {tagger.Lexicon.Count:N0} words, {tagger.Tags.Count} tags, " +
                            $"order {o}, λ = {string.Join(", ", tagger.Transitions.Lambdas.Select(l => l.ToString("F4", CultureInfo.InvariantCulture)))}; " +
                            $"{sw.Elapsed.TotalSeconds:F2} s; wrote {path}");
            if (parse.GetValue(json))
            {
                // Supervised training is counting: the maximum-likelihood estimate in closed form, so no steps and "Converged";
                // with --untagged the trace is the chosen Baum-Welch run's.
                var doc = Conventions.FitJson("tag train", path, trace, stop: "Converged");
                doc["seconds"] = sw.Elapsed.TotalSeconds;
                doc["tokens"] = tagger.Lexicon.TokenCount;
                doc["words"] = tagger.Lexicon.Count;
                doc["tags"] = tagger.Tags.Count;
                doc["order"] = o;
                doc["tagSet"] = set.ToString().ToLowerInvariant();
                doc["semiSupervised"] = tagger.SemiSupervised is not null;
                parse.InvocationConfiguration.Output.WriteLine(doc.ToJsonString());
            }
            return Task.FromResult(CliHost.Ok);
        });
        return command;

        int TrainDiscriminative(ParseResult parse, string modelKind, CancellationToken ct)
        {
            foreach (var (option, name) in new (Option, string)[] { (order, "--order"), (untagged, "--untagged"), (untaggedFormat, "--untagged-format"), (semiIterations, "--semi-iterations"), (semiZ, "--semi-z") })
                if (parse.GetResult(option) is { Implicit: false }) throw new UsageException($"{name} applies to --model hmm only");
            bool perceptron = modelKind == "perceptron";
            if (!perceptron && parse.GetResult(seed) is { Implicit: false }) throw new UsageException("--seed applies to --model perceptron (the CRF's fit has no random choice)");
            if (perceptron && parse.GetResult(l2) is { Implicit: false }) throw new UsageException("--l2 applies to --model crf");
            if (perceptron && parse.GetResult(threads) is { Implicit: false }) throw new UsageException("--threads applies to --model crf (the perceptron is sequential)");
            int iterations = parse.GetResult(maxIter) is { Implicit: false } ? parse.GetValue(maxIter) : perceptron ? 5 : 100;
            Checks.AtLeast(iterations, 1, "--max-iter");
            int min = Checks.AtLeast(parse.GetValue(minCount), 1, "--min-count");
            double c = parse.GetValue(l2), tolerance = parse.GetValue(tol);
            if (!(c >= 0 && double.IsFinite(c))) throw new UsageException($"--l2 must be a finite number >= 0, not {c}");
            if (!(tolerance >= 0 && double.IsFinite(tolerance))) throw new UsageException($"--tol must be a finite number >= 0, not {tolerance}");
            if (parse.GetValue(threads) is int t && t < 1) throw new UsageException($"--threads must be at least 1, not {t}");
            var set = parse.GetValue(tagset);
            Checks.OnlyWith(parse, tagMap, set == TagSet.Universal, "applies to --tagset universal only");
            var mapPath = set == TagSet.Universal ? parse.GetValue(tagMap) ?? DefaultTagMap() : null;
            var paths = ExpandCorpusFiles(parse.GetValue(files)!);
            var outputPath = Checks.Output(parse.GetValue(output), "-o",
                paths.Select(p => new InputFile(p, "training file")).Append(new InputFile(mapPath ?? "", "--tag-map")));
            var mapping = TagMapping.For(set, mapPath);
            var error = parse.InvocationConfiguration.Error;
            bool asJson = parse.GetValue(json);
            var sw = Stopwatch.StartNew();
            var options = new CrfOptions(perceptron ? CrfTraining.AveragedPerceptron : CrfTraining.ConditionalLikelihood, L2: c, MinFeatureCount: min,
                MaxThreads: parse.GetValue(threads));
            var progress = asJson ? null : new Progress<ElboStep>(s => error.WriteLine(
                $"prob tag train: {modelKind} step {s.Iteration}: objective {s.Elbo.ToString("F1", CultureInfo.InvariantCulture)} ({s.Elapsed.TotalSeconds:F1} s)"));
            var fit = CrfTagger.Train(TaggedCorpus.Read(paths, parse.GetValue(format), mapping), options,
                new FitOptions(MaxIterations: iterations, Tolerance: tolerance, Seed: parse.GetValue(seed), Progress: progress), set, mapping.Table, ct);
            ct.ThrowIfCancellationRequested();
            var tagger = fit.Model;
            tagger.Save(outputPath);
            error.WriteLine($"prob tag train: {modelKind}, {tagger.Lexicon.TokenCount:N0} tokens, {tagger.Lexicon.Count:N0} words, {tagger.Tags.Count} tags, " +
                            $"{tagger.FeatureCount:N0} features, {fit.Trace.Count} steps ({fit.Trace.StopReason}); {sw.Elapsed.TotalSeconds:F2} s; wrote {outputPath}");
            if (asJson)
            {
                var doc = Conventions.FitJson("tag train", outputPath, fit.Trace);
                doc["seconds"] = sw.Elapsed.TotalSeconds;
                doc["kind"] = modelKind;
                doc["tokens"] = tagger.Lexicon.TokenCount;
                doc["words"] = tagger.Lexicon.Count;
                doc["tags"] = tagger.Tags.Count;
                doc["features"] = tagger.FeatureCount;
                doc["tagSet"] = set.ToString().ToLowerInvariant();
                parse.InvocationConfiguration.Output.WriteLine(doc.ToJsonString());
            }
            return CliHost.Ok;
        }
    }

    private static Command CreateTag(TextReader? injected)
    {
        var model = new Option<string>("--model", "-m") { Description = "Model file from 'prob tag train'", Required = true };
        var format = new Option<TagStreamFormat>("--format") { Description = "text (a sentence per line), conll (a token per line) or wordtag", DefaultValueFactory = _ => TagStreamFormat.Text };
        var inputFile = new Option<string?>("--input", "-i") { Description = "Read this file instead of standard input" };
        var pretokenized = new Option<bool>("--pretokenized") { Description = "With --format text: the tokens are already separated by white space (skip the Brown-style tokeniser)" };
        var json = Conventions.Json("Write one JSON object per sentence (JSON Lines): {\"words\": [...], \"tags\": [...]}");
        var command = new Command("tag", "Part-of-speech (or any sequence) tagging with a model from 'prob tag train' (HMM, CRF or perceptron). 'prob tag -m MODEL' (also spelled 'prob tag tag') tags standard input sentence by sentence, a sentence of raw text per line split into tokens as the Brown corpus is, writing each as soon as it is tagged; 'train' and 'eval' are subcommands.") { model, format, inputFile, pretokenized, json };
        command.SetAction((parse, ct) =>
        {
            var tagger = TaggerFiles.Load(parse.GetValue(model)!, CliHost.Budget(parse));
            var path = parse.GetValue(inputFile);
            using var owned = path is null ? null : DataFiles.OpenText(path);
            var reader = owned ?? injected ?? Console.In;
            var name = path ?? "<stdin>";
            var output = parse.InvocationConfiguration.Output;
            var fmt = parse.GetValue(format);
            Checks.OnlyWith(parse, pretokenized, fmt == TagStreamFormat.Text, "applies to --format text only (conll and wordtag are tokenised already)");
            bool tokenize = fmt == TagStreamFormat.Text && !parse.GetValue(pretokenized);
            bool asJson = parse.GetValue(json);
            foreach (var words in ReadSentences(reader, name, fmt, tokenize))
            {
                ct.ThrowIfCancellationRequested();
                var tags = tagger.Tag(words);
                if (asJson)
                    output.WriteLine(JsonSerializer.Serialize(new { words, tags }));
                else if (fmt == TagStreamFormat.Conll)
                {
                    for (int i = 0; i < words.Length; i++) { output.Write(words[i]); output.Write('\t'); output.WriteLine(tags[i]); }
                    output.WriteLine();
                }
                else
                {
                    for (int i = 0; i < words.Length; i++)
                    {
                        if (i > 0) output.Write(' ');
                        output.Write(words[i]); output.Write('/'); output.Write(tags[i]);
                    }
                    output.WriteLine();
                }
                output.Flush();
            }
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private static Command CreateEval()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model file from 'prob tag train'", Required = true };
        var format = new Option<CorpusFormat>("--format") { Description = "Layout of the gold files: brown, conll or wordtag", DefaultValueFactory = _ => CorpusFormat.Brown };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var top = new Option<int>("--confusions") { Description = "How many of the most frequent confusions to list", DefaultValueFactory = _ => 10 };
        var files = new Argument<string[]>("files") { Description = "Gold-tagged files or directories", Arity = ArgumentArity.OneOrMore };
        var command = new Command("eval", "Score a model on gold-tagged files: token, known/unknown-word and sentence accuracy, confusions, speed, and span precision/recall/F1 for BIO tags") { model, format, json, top, files };
        command.SetAction((parse, ct) =>
        {
            int topCount = Checks.AtLeast(parse.GetValue(top), 0, "--confusions");
            var tagger = TaggerFiles.Load(parse.GetValue(model)!, CliHost.Budget(parse));
            var paths = ExpandCorpusFiles(parse.GetValue(files)!);
            var spans = new SpanEvaluation();
            bool bio = SpanEvaluation.IsBio(tagger.Tags);
            var evaluation = Evaluate(tagger, TaggedCorpus.Read(paths, parse.GetValue(format), tagger.Mapping), ct, bio ? spans.Add : null);
            var output = parse.InvocationConfiguration.Output;
            var confusions = evaluation.TopConfusions(topCount);
            if (parse.GetValue(json))
            {
                var doc = new
                {
                    command = "tag eval", model = parse.GetValue(model),
                    tokens = evaluation.Tokens, accuracy = evaluation.Accuracy,
                    knownTokens = evaluation.KnownTokens, knownAccuracy = evaluation.KnownAccuracy,
                    unknownTokens = evaluation.UnknownTokens, unknownAccuracy = evaluation.UnknownAccuracy,
                    sentences = evaluation.Sentences, sentenceAccuracy = evaluation.SentenceAccuracy,
                    tokensPerSecond = evaluation.TokensPerSecond, tagSet = tagger.TagSet.ToString().ToLowerInvariant(),
                    spans = bio ? new { gold = spans.GoldSpans, predicted = spans.PredictedSpans, correct = spans.CorrectSpans, precision = spans.Precision, recall = spans.Recall, f1 = spans.F1 } : null,
                    confusions = confusions.Select(c => new { gold = c.Gold, predicted = c.Predicted, count = c.Count }),
                };
                output.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            }
            else
            {
                output.WriteLine($"tokens              {evaluation.Tokens,10:N0}   accuracy {Pct(evaluation.Accuracy)}");
                output.WriteLine($"known words         {evaluation.KnownTokens,10:N0}   accuracy {Pct(evaluation.KnownAccuracy)}");
                output.WriteLine($"unknown words       {evaluation.UnknownTokens,10:N0}   accuracy {Pct(evaluation.UnknownAccuracy)}");
                output.WriteLine($"sentences           {evaluation.Sentences,10:N0}   accuracy {Pct(evaluation.SentenceAccuracy)}");
                output.WriteLine($"tagging speed       {evaluation.TokensPerSecond,10:N0} tokens/s");
                if (bio)
                    output.WriteLine($"BIO spans           {spans.GoldSpans,10:N0}   precision {Pct(spans.Precision)}, recall {Pct(spans.Recall)}, F1 {Pct(spans.F1)} ({spans.CorrectSpans:N0} of {spans.PredictedSpans:N0} predicted correct)");
                if (confusions.Count > 0)
                {
                    output.WriteLine("most frequent confusions (gold -> predicted: count):");
                    foreach (var c in confusions) output.WriteLine($"  {c.Gold} -> {c.Predicted}: {c.Count}");
                }
            }
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    /// <summary>Tags each gold sentence and scores it (also through <paramref name="each"/>: gold, predicted); the tagging time alone goes into tokens per second.</summary>
    public static TaggingEvaluation Evaluate(ISequenceTagger tagger, IEnumerable<TaggedSentence> gold, CancellationToken ct = default,
        Action<IReadOnlyList<string>, IReadOnlyList<string>>? each = null)
    {
        var evaluation = new TaggingEvaluation();
        var sw = new Stopwatch();
        foreach (var s in gold)
        {
            ct.ThrowIfCancellationRequested();
            sw.Start();
            var predicted = tagger.Tag(s.Words);
            sw.Stop();
            evaluation.Add(s.Tags, predicted, s.Words.Select(tagger.IsKnown).ToArray());
            each?.Invoke(s.Tags, predicted);
        }
        evaluation.TaggingSeconds = sw.Elapsed.TotalSeconds;
        return evaluation;
    }

    /// <summary><c>prob demo</c>: tags a sentence with the shipped model, then trains on part of the sample and scores the rest.</summary>
    public static void RunDemo(DemoCommand.DemoContext context)
    {
        var output = context.Out;
        var tagger = HmmTagger.Load(Path.Combine(context.DatasetsDirectory, ShippedModel));
        string[] sentence = ["The", "jury", "praised", "the", "administration", "and", "operation", "of", "the", "Atlanta", "Police", "Department", "."];
        output.WriteLine($"shipped model ({ShippedModel}, {tagger.Tags.Count} tags):");
        output.WriteLine("  " + string.Join(' ', sentence.Zip(tagger.Tag(sentence), (w, t) => $"{w}/{t}")));
        var files = ExpandCorpusFiles([Path.Combine(context.DatasetsDirectory, "brown-sample")]);
        var sentences = TaggedCorpus.Read(files, CorpusFormat.Brown, TagMapping.Normalised).ToList();
        var train = sentences.Where((_, i) => i % 10 != 9).ToList();
        var test = sentences.Where((_, i) => i % 10 == 9).ToList();
        var sw = Stopwatch.StartNew();
        var fresh = HmmTagger.Train(train, new TaggerOptions(), TagSet.Normalised, cancellationToken: context.CancellationToken);
        double trainSeconds = sw.Elapsed.TotalSeconds;
        var e = Evaluate(fresh, test, context.CancellationToken);
        output.WriteLine($"trained on {train.Count:N0} sentences of brown-sample in {trainSeconds:F2} s; held out every 10th sentence ({e.Tokens:N0} tokens):");
        output.WriteLine($"  accuracy {Pct(e.Accuracy)}, known words {Pct(e.KnownAccuracy)}, unknown words {Pct(e.UnknownAccuracy)} ({e.UnknownTokens:N0} tokens), {e.TokensPerSecond:N0} tokens/s");
    }

    /// <summary>Expands directories (skipping README, CONTENTS, LICENSE and *.md files) into files in name order.</summary>
    public static IReadOnlyList<string> ExpandCorpusFiles(IEnumerable<string> paths)
    {
        // The file argument swallows unknown options; one that names no file is a usage error, not a missing file.
        foreach (var p in paths)
            if (p.StartsWith('-') && !File.Exists(p) && !Directory.Exists(p))
                throw new UsageException($"unknown option '{p}'");
        return DataFiles.ExpandFiles(paths, f =>
        {
            var name = Path.GetFileName(f);
            return !(name.StartsWith("README", StringComparison.OrdinalIgnoreCase) || name.Equals("CONTENTS", StringComparison.OrdinalIgnoreCase)
                     || name.StartsWith("LICENSE", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".md", StringComparison.OrdinalIgnoreCase));
        });
    }

    // Streams sentences: text/wordtag one per non-blank line; conll one token per line, blank line between sentences, with
    // the same column rules as the training reader (every token line as many columns as the first).
    private static IEnumerable<string[]> ReadSentences(TextReader reader, string name, TagStreamFormat format, bool tokenize = false)
    {
        if (format == TagStreamFormat.Conll)
        {
            foreach (var words in TaggedCorpusReader.ReadConllWords(reader, name)) yield return words;
            yield break;
        }
        var lines = new LineReader(reader, name);
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            var tokens = tokenize ? EnglishTokenizer.Tokenize(line) : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0) continue;
            if (format == TagStreamFormat.WordTag)
            {
                for (int i = 0; i < tokens.Length; i++)
                {
                    int slash = tokens[i].LastIndexOf('/');
                    if (slash <= 0 || slash == tokens[i].Length - 1)
                        throw new DataFormatException(name, lines.LineNumber, $"token '{tokens[i]}' is not of the form word/tag");
                    tokens[i] = tokens[i][..slash];
                }
            }
            yield return tokens;
        }
    }

    private sealed class StderrProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    private static string DefaultTagMap() => Path.Combine(DatasetLocator.ProjectDatasets(), "universal-tags", "en-brown.map");

    private static string Pct(double x) => double.IsNaN(x) ? "   n/a" : (100 * x).ToString("F2", CultureInfo.InvariantCulture).PadLeft(6) + " %";
}
