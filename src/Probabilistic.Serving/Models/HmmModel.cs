using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Serving.Models;

/// <summary>A hidden Markov model of any emission family: <c>decode</c> and <c>score</c>.</summary>
public sealed class HmmModel : ServedModel
{
    private readonly IHiddenMarkovModel _model;
    private readonly IReadOnlyList<string>? _symbols;
    private readonly Dictionary<string, int>? _symbolIndex;

    /// <summary>Serves <paramref name="model"/> as <paramref name="name"/>.</summary>
    public HmmModel(string name, string path, int version, IHiddenMarkovModel model) : base(name, HmmModelFile.Kind, version, path)
    {
        _model = model;
        if (model is HiddenMarkovModel<CategoricalEmission, CategoricalStatistics> c && c.Emission.SymbolNames is { } names)
        {
            _symbols = names;
            _symbolIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < names.Count; i++) _symbolIndex[names[i]] = i;
        }
        Dimensions = new Dictionary<string, object?> { ["states"] = model.StateCount, ["dimension"] = model.Dimension, ["emission"] = model.Family };
        Offer("decode", Decode);
        Offer("score", Score);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Dimensions { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Summary() => new Dictionary<string, object?>(Dimensions)
    {
        ["symbols"] = _symbols,
        ["start"] = _model.Start,
        ["transitions"] = ServingJson.Rows(_model.Transitions, _model.StateCount),
        ["input"] = _model.Family == "categorical"
            ? "{\"sequences\": [[symbol, ...], ...]} with symbols as names" + (_symbols is null ? " (this model has none: use codes 0..V-1)" : " or codes 0..V-1")
            : _model.Dimension == 1 ? "{\"sequences\": [[x1, x2, ...], ...]}" : $"{{\"sequences\": [[[{_model.Dimension} numbers], ...], ...]}}",
    };

    private IResult Decode(RequestBody body)
    {
        var set = Sequences(body);
        var algorithm = body.Text("algorithm", "viterbi")!.ToLowerInvariant() switch
        {
            "viterbi" => DecodeAlgorithm.Viterbi,
            "map" => DecodeAlgorithm.Map,
            var a => throw ApiException.BadRequest($"\"algorithm\" is '{Clip.Of(a)}'; use viterbi or map"),
        };
        var states = new int[set.Count][];
        var logProbabilities = new double[set.Count];
        var logLikelihoods = new double[set.Count];
        for (int n = 0; n < set.Count; n++)
        {
            body.CancellationToken.ThrowIfCancellationRequested();
            var one = SequenceSet.Single(set.Sequence(n).ToArray(), set.Dimension);
            logLikelihoods[n] = Possible(_model.ScoreEach(one, 1)[0], n);
            var path = _model.DecodeAll(one, algorithm, 1)[0];
            states[n] = path.States;
            logProbabilities[n] = path.LogProbability;
        }
        // Viterbi's logProbability is log p(x, z*) of the best path; MAP's is log p(x). logLikelihoods is log p(x) for both.
        return Results.Json(new { model = Name, algorithm = algorithm.ToString().ToLowerInvariant(), states, logProbabilities, logLikelihoods },
            ServingJson.Options);
    }

    private IResult Score(RequestBody body)
    {
        var set = Sequences(body);
        var logLikelihoods = new double[set.Count];
        for (int n = 0; n < set.Count; n++)
        {
            body.CancellationToken.ThrowIfCancellationRequested();
            logLikelihoods[n] = Possible(_model.ScoreEach(SequenceSet.Single(set.Sequence(n).ToArray(), set.Dimension), 1)[0], n);
        }
        double total = logLikelihoods.Sum();
        return Results.Json(new { model = Name, total, perObservation = total / set.TotalLength, observations = set.TotalLength, logLikelihoods },
            ServingJson.Options);
    }

    private static double Possible(double logLikelihood, int n) => double.IsNegativeInfinity(logLikelihood)
        ? throw ApiException.BadRequest($"sequence {n + 1} has probability zero under the model (log-likelihood -Infinity)")
        : logLikelihood;

    private SequenceSet Sequences(RequestBody body)
    {
        if (body.Field("sequences") is not { } list || list.ValueKind != JsonValueKind.Array)
            throw ApiException.BadRequest("the body needs \"sequences\": a list of sequences, each a list of observations");
        int d = _model.Dimension;
        var values = new List<double>();
        var lengths = new List<int>();
        int s = 0;
        foreach (var sequence in list.EnumerateArray())
        {
            s++;
            if (sequence.ValueKind != JsonValueKind.Array)
                throw ApiException.BadRequest($"sequence {s} must be a list of observations, not {RequestBody.Describe(sequence)}");
            int length = sequence.GetArrayLength();
            if (length == 0) throw ApiException.BadRequest($"sequence {s} is empty");
            if (values.Count / d + length > body.Limits.MaxTokens)
                throw ApiException.TooLarge($"the request holds more than the limit of {body.Limits.MaxTokens:N0} observations per request (--max-tokens)");
            int t = 0;
            foreach (var o in sequence.EnumerateArray())
            {
                t++;
                string where = $"sequence {s}, observation {t}";
                if (o.ValueKind == JsonValueKind.String)
                {
                    if (_symbolIndex is null) throw ApiException.BadRequest($"{where} is a string, but model '{Name}' has no symbol names; send numbers");
                    values.Add(_symbolIndex.TryGetValue(o.GetString()!, out int code) ? code
                        : throw ApiException.BadRequest($"{where}: symbol '{Clip.Of(o.GetString()!)}' is not in the model's vocabulary"));
                }
                else if (o.ValueKind == JsonValueKind.Array)
                {
                    if (o.GetArrayLength() != d) throw ApiException.BadRequest($"{where} has {o.GetArrayLength()} values but model '{Name}' expects {d}");
                    int j = 0;
                    foreach (var v in o.EnumerateArray()) values.Add(RequestBody.Number(v, $"{where}, value {++j}"));
                }
                else
                {
                    if (d != 1) throw ApiException.BadRequest($"{where} is a single number but model '{Name}' expects {d} values per observation");
                    values.Add(RequestBody.Number(o, where));
                }
            }
            lengths.Add(length);
        }
        if (lengths.Count == 0) throw ApiException.BadRequest("\"sequences\" is empty");
        try { return SequenceSet.FromLengths(values.ToArray(), d, lengths); }
        catch (ArgumentException e) { throw ApiException.BadRequest(e.Message); }
    }
}
