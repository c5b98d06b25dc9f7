using Microsoft.AspNetCore.Http;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Serving.Models;

/// <summary>
/// A CRF or averaged-perceptron tagger (<c>prob tag train --model crf|perceptron</c>): <c>tag</c>, and for the CRF
/// <c>score</c>, the conditional log-probability of the best tags. The perceptron's path scores are not probabilities,
/// so it offers no score.
/// </summary>
public sealed class CrfTaggerModel : ServedModel
{
    private readonly CrfTagger _tagger;

    /// <summary>Serves <paramref name="tagger"/> as <paramref name="name"/>.</summary>
    public CrfTaggerModel(string name, string path, int version, CrfTagger tagger) : base(name, CrfModelFile.Kind, version, path)
    {
        _tagger = tagger;
        Dimensions = new Dictionary<string, object?>
        {
            ["tags"] = tagger.Tags.Count, ["features"] = tagger.FeatureCount, ["words"] = tagger.Lexicon.Count,
        };
        Offer("tag", Tag);
        if (tagger.Options.Training == CrfTraining.ConditionalLikelihood) Offer("score", Score);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Dimensions { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Summary() => new Dictionary<string, object?>(Dimensions)
    {
        ["training"] = _tagger.Options.Training == CrfTraining.ConditionalLikelihood ? "crf" : "perceptron",
        ["tagSet"] = _tagger.TagSet.ToString().ToLowerInvariant(),
        ["tagNames"] = _tagger.Tags,
        ["trainingTokens"] = _tagger.Lexicon.TokenCount,
        ["input"] = "{\"text\": \"a sentence per line\"} (split into tokens as the Brown corpus is) or {\"tokens\": [[\"The\", \"dog\"], ...]}",
    };

    private IResult Tag(RequestBody body) => TaggerModel.Tag(Name, body, _tagger.Tag);

    private IResult Score(RequestBody body)
    {
        var sentences = TaggerModel.Sentences(body);
        var scores = new double[sentences.Count];
        double total = 0;
        for (int s = 0; s < sentences.Count; s++)
        {
            body.CancellationToken.ThrowIfCancellationRequested();
            var ids = new int[sentences[s].Length];
            scores[s] = _tagger.TagIds(sentences[s], ids) - _tagger.LogPartition(sentences[s]);
            total += scores[s];
        }
        return Results.Json(new { model = Name, score = "log p(best tags | tokens) in nats per sentence", logProbabilities = scores, total },
            ServingJson.Options);
    }
}
