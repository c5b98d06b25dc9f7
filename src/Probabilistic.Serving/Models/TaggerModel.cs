using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Probabilistic.Core.Data;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Serving.Models;

/// <summary>The part-of-speech tagger of <c>prob tag</c>: <c>tag</c> and <c>score</c>.</summary>
public sealed class TaggerModel : ServedModel
{
    private readonly HmmTagger _tagger;

    /// <summary>Serves <paramref name="tagger"/> as <paramref name="name"/>.</summary>
    public TaggerModel(string name, string path, int version, HmmTagger tagger) : base(name, TaggerModelFile.Kind, version, path)
    {
        _tagger = tagger;
        Dimensions = new Dictionary<string, object?>
        {
            ["tags"] = tagger.Tags.Count, ["order"] = tagger.Options.Order, ["words"] = tagger.Lexicon.Count,
        };
        Offer("tag", Tag);
        Offer("score", Score);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Dimensions { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Summary() => new Dictionary<string, object?>(Dimensions)
    {
        ["tagSet"] = _tagger.TagSet.ToString().ToLowerInvariant(),
        ["tagNames"] = _tagger.Tags,
        ["trainingTokens"] = _tagger.Lexicon.TokenCount,
        ["input"] = "{\"text\": \"a sentence per line\"} (split into tokens as the Brown corpus is) or {\"tokens\": [[\"The\", \"dog\"], ...]}",
    };

    private IResult Tag(RequestBody body) => Tag(Name, body, _tagger.Tag);

    /// <summary>The <c>tag</c> answer of any tagger: each sentence of the request with its tags.</summary>
    internal static IResult Tag(string model, RequestBody body, Func<string[], string[]> tag)
    {
        var sentences = Sentences(body);
        var result = new object[sentences.Count];
        for (int s = 0; s < sentences.Count; s++)
        {
            body.CancellationToken.ThrowIfCancellationRequested();
            result[s] = new { tokens = sentences[s], tags = tag(sentences[s]) };
        }
        return Results.Json(new { model, sentences = result }, ServingJson.Options);
    }

    private IResult Score(RequestBody body)
    {
        var sentences = Sentences(body);
        var scores = new double[sentences.Count];
        double total = 0;
        for (int s = 0; s < sentences.Count; s++)
        {
            body.CancellationToken.ThrowIfCancellationRequested();
            var ids = new int[sentences[s].Length];
            scores[s] = _tagger.TagIds(sentences[s], _tagger.Options.BeamRatio, ids);
            total += scores[s];
        }
        // The tagger scores log p(words, tags) of the best tag sequence it finds (the Viterbi path), not a marginal likelihood.
        return Results.Json(new { model = Name, score = "log p(tokens, best tags) in nats per sentence", logProbabilities = scores, total }, ServingJson.Options);
    }

    /// <summary>The sentences of a request: <c>text</c> (one sentence per line, tokenised) or <c>tokens</c> (a list of token lists).</summary>
    internal static List<string[]> Sentences(RequestBody body)
    {
        var text = body.Field("text");
        var tokens = body.Field("tokens");
        if (text is not null && tokens is not null) throw ApiException.BadRequest("give \"text\" or \"tokens\", not both");
        var sentences = new List<string[]>();
        long count = 0;
        int max = body.Limits.MaxTokens;
        if (text is { } t)
        {
            if (t.ValueKind != JsonValueKind.String) throw ApiException.BadRequest($"\"text\" must be a string, not {RequestBody.Describe(t)}");
            foreach (var line in t.GetString()!.Split('\n'))
            {
                var words = EnglishTokenizer.Tokenize(line);
                if (words.Length == 0) continue;
                count += words.Length;
                if (count > max) throw TooManyTokens(max);
                sentences.Add(words);
            }
        }
        else if (tokens is { } list)
        {
            if (list.ValueKind != JsonValueKind.Array) throw ApiException.BadRequest($"\"tokens\" must be a list of sentences (lists of strings), not {RequestBody.Describe(list)}");
            int s = 0;
            foreach (var sentence in list.EnumerateArray())
            {
                s++;
                if (sentence.ValueKind != JsonValueKind.Array)
                    throw ApiException.BadRequest($"\"tokens\" sentence {s} must be a list of strings, not {RequestBody.Describe(sentence)}");
                count += sentence.GetArrayLength();
                if (count > max) throw TooManyTokens(max);
                var words = new string[sentence.GetArrayLength()];
                int i = 0;
                foreach (var w in sentence.EnumerateArray())
                {
                    if (w.ValueKind != JsonValueKind.String || w.GetString() is not { Length: > 0 } word)
                        throw ApiException.BadRequest($"\"tokens\" sentence {s}, token {i + 1} is {RequestBody.Describe(w)}; tokens are non-empty strings");
                    words[i++] = word;
                }
                if (words.Length == 0) throw ApiException.BadRequest($"\"tokens\" sentence {s} is empty");
                sentences.Add(words);
            }
        }
        else throw ApiException.BadRequest("the body needs \"text\" (a sentence per line) or \"tokens\" (a list of token lists)");
        if (sentences.Count == 0) throw ApiException.BadRequest("no tokens to tag");
        return sentences;
    }

    private static ApiException TooManyTokens(int max) =>
        ApiException.TooLarge($"the request holds more than the limit of {max:N0} tokens per request (--max-tokens)");
}
