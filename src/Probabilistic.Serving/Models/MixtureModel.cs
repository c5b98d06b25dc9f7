using Microsoft.AspNetCore.Http;
using Probabilistic.Core.Data;
using Probabilistic.Mixtures;
using Probabilistic.Vae;

namespace Probabilistic.Serving.Models;

/// <summary>A Gaussian mixture, fitted by EM or variationally: <c>predict</c>, <c>score</c> and <c>sample</c>.</summary>
public sealed class MixtureModel : ServedModel
{
    // Rows are evaluated in blocks so that a timeout cancels a large request between blocks.
    private const int Block = 4096;
    private readonly Func<NumericTable, double[]> _proba, _logDensity;
    private readonly Func<NumericTable, (double[] Probabilities, double[] LogDensity)> _both;
    private readonly Func<int, int, (double[] X, int[] Components)> _sample;
    private readonly IReadOnlyDictionary<string, object?> _parameters;

    private MixtureModel(string name, string kind, int version, string path, int k, int d, string covariance,
        Func<NumericTable, double[]> proba, Func<NumericTable, double[]> logDensity, Func<NumericTable, (double[], double[])> both,
        Func<int, int, (double[], int[])> sample, IReadOnlyDictionary<string, object?> parameters) : base(name, kind, version, path)
    {
        Components = k;
        Dimension = d;
        (_proba, _logDensity, _both, _sample, _parameters) = (proba, logDensity, both, sample, parameters);
        Dimensions = new Dictionary<string, object?> { ["components"] = k, ["dimension"] = d, ["covarianceType"] = covariance };
        Offer("predict", Predict);
        Offer("score", Score);
        Offer("sample", Sample);
    }

    /// <summary>K.</summary>
    public int Components { get; }

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>Serves a mixture fitted by EM.</summary>
    public static MixtureModel From(string name, string path, GaussianMixture m)
    {
        var p = m.Parameters!;
        return new MixtureModel(name, GaussianMixture.ModelKind, GaussianMixture.ModelVersion, path, p.Components, p.Dimension,
            p.CovarianceType.ToString().ToLowerInvariant(), m.PredictProba, m.ScoreSamples, m.PredictProbaAndScoreSamples, m.Sample,
            new Dictionary<string, object?> { ["weights"] = p.Weights, ["means"] = Enumerable.Range(0, p.Components).Select(p.Mean).ToArray() });
    }

    /// <summary>Serves a variational (Bayesian) mixture.</summary>
    public static MixtureModel From(string name, string path, BayesianGaussianMixture m) =>
        new(name, BayesianGaussianMixture.ModelKind, BayesianGaussianMixture.ModelVersion, path, m.Components, m.Dimension,
            m.Options.CovarianceType.ToString().ToLowerInvariant(), m.PredictProba, m.ScoreSamples, m.PredictProbaAndScoreSamples, m.Sample,
            new Dictionary<string, object?>
            {
                ["weightPrior"] = m.Options.WeightPrior.ToString(),
                ["weights"] = m.Weights,
                ["means"] = ServingJson.Rows(m.Means, m.Dimension),
            });

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Dimensions { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Summary()
    {
        var s = new Dictionary<string, object?>(Dimensions);
        foreach (var (key, value) in _parameters) s[key] = value;
        s["input"] = $"{{\"x\": [[{Dimension} numbers], ...]}} or an application/x-npy array of shape (rows, {Dimension})";
        return s;
    }

    private NumericTable Rows(RequestBody body) => body.Matrix("x", Dimension, $"model '{Name}' expects");

    private IResult Predict(RequestBody body)
    {
        var x = Rows(body);
        if (!body.QueryFlag("proba"))
            return Results.Json(new { model = Name, labels = GaussianMixture.Labels(Blocks(x, _proba, Components, body.CancellationToken), Components) }, ServingJson.Options);
        // probabilities and log-densities from one pass
        var resp = new double[x.Rows * Components];
        var logDensity = new double[x.Rows];
        foreach (var (start, part) in Parts(x, body.CancellationToken))
        {
            var (r, l) = _both(part);
            r.CopyTo(resp, start * Components);
            l.CopyTo(logDensity, start);
        }
        return Results.Json(new { model = Name, labels = GaussianMixture.Labels(resp, Components), probabilities = ServingJson.Rows(resp, Components), logDensity },
            ServingJson.Options);
    }

    private IResult Score(RequestBody body)
    {
        var x = Rows(body);
        var logDensity = Blocks(x, _logDensity, 1, body.CancellationToken);
        double total = logDensity.Sum();
        return Results.Json(new { model = Name, total, perObservation = total / x.Rows, logDensity }, ServingJson.Options);
    }

    private IResult Sample(RequestBody body)
    {
        int n = body.Integer("n", 16, 1, body.Limits.MaxSamples, "--max-samples");
        int seed = body.Integer("seed", 0, int.MinValue, int.MaxValue, "a 32-bit integer");
        var (x, components) = _sample(n, seed);
        if (!Png.Wanted(body.Request))
            return Results.Json(new { model = Name, n, seed, x = ServingJson.Rows(x, Dimension), components }, ServingJson.Options);
        if (Dimension < 2)
            throw new ApiException(StatusCodes.Status406NotAcceptable, "Not acceptable",
                $"model '{Name}' is 1-dimensional; a PNG scatter plot needs at least 2 dimensions (ask for JSON)");
        var points = new float[2 * n];
        for (int i = 0; i < n; i++) { points[2 * i] = (float)x[i * Dimension]; points[2 * i + 1] = (float)x[i * Dimension + 1]; }
        var labels = components.Select(c => (byte)(c % 256)).ToArray();
        const int size = 512;
        return Png.Result(ImageRendering.Scatter(points, labels, size), size, size, 3);
    }

    private static double[] Blocks(NumericTable x, Func<NumericTable, double[]> f, int width, CancellationToken ct)
    {
        if (x.Rows <= Block) { ct.ThrowIfCancellationRequested(); return f(x); }
        var result = new double[x.Rows * width];
        foreach (var (start, part) in Parts(x, ct)) f(part).CopyTo(result, start * width);
        return result;
    }

    /// <summary>The rows in blocks of <see cref="Block"/> (the table itself when it is one block), cancellation checked between them.</summary>
    private static IEnumerable<(int Start, NumericTable Part)> Parts(NumericTable x, CancellationToken ct)
    {
        if (x.Rows <= Block)
        {
            ct.ThrowIfCancellationRequested();
            yield return (0, x);
            yield break;
        }
        for (int start = 0; start < x.Rows; start += Block)
        {
            ct.ThrowIfCancellationRequested();
            int b = Math.Min(Block, x.Rows - start);
            yield return (start, new NumericTable(x.Values[(start * x.Columns)..((start + b) * x.Columns)], b, x.Columns) { Source = x.Source, FirstRow = x.FirstRow + start });
        }
    }
}

/// <summary>PNG responses.</summary>
internal static class Png
{
    /// <summary>Whether the client asked for <c>image/png</c>.</summary>
    public static bool Wanted(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("image/png", StringComparison.OrdinalIgnoreCase));

    /// <summary>An image/png response of the given pixels.</summary>
    public static IResult Result(byte[] pixels, int width, int height, int channels) =>
        Results.Bytes(PngWriter.Encode(width, height, channels, pixels), "image/png");
}
