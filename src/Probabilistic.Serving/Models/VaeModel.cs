using Microsoft.AspNetCore.Http;
using Probabilistic.Vae;

namespace Probabilistic.Serving.Models;

/// <summary>A variational autoencoder: <c>encode</c>, <c>score</c> (the ELBO) and <c>sample</c> (JSON or a PNG grid).</summary>
/// <remarks>TorchSharp modules are not documented as safe to call from several threads, so requests run one at a time.</remarks>
public sealed class VaeModel : ServedModel
{
    private readonly VariationalAutoencoder _vae;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Serves <paramref name="vae"/> as <paramref name="name"/> and disposes it when swapped out.</summary>
    public VaeModel(string name, string path, VariationalAutoencoder vae) : base(name, VaeFile.Kind, VaeFile.Version, path)
    {
        _vae = vae;
        var a = vae.Architecture;
        Dimensions = new Dictionary<string, object?> { ["height"] = a.Height, ["width"] = a.Width, ["latent"] = a.LatentSize };
        Offer("encode", Encode);
        Offer("score", Score);
        Offer("sample", Sample);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Dimensions { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Summary()
    {
        var a = _vae.Architecture;
        return new Dictionary<string, object?>(Dimensions)
        {
            ["network"] = a.ToString(),
            ["likelihood"] = a.Likelihood.ToString().ToLowerInvariant(),
            ["hiddenSizes"] = a.HiddenSizes,
            ["input"] = $"{{\"x\": [[{a.InputSize} pixel values], ...]}} or an application/x-npy array of shape (rows, {a.InputSize})",
        };
    }

    private VaeDataset Images(RequestBody body)
    {
        var a = _vae.Architecture;
        var table = body.Matrix("x", a.InputSize, $"model '{Name}' expects {a.Height}×{a.Width} =");
        return VaeDataset.FromTable(table, a.Height, a.Width);
    }

    private IResult Encode(RequestBody body)
    {
        var data = Images(body);
        LatentCode code;
        code = Exclusive(body, () => _vae.Encode(data, 256, body.CancellationToken));
        var variance = code.LogVariance.Select(v => (double)MathF.Exp(v)).ToArray();
        return Results.Json(new
        {
            model = Name,
            mean = ServingJson.Rows(code.Mean, code.LatentSize),
            variance = ServingJson.Rows(variance, code.LatentSize),
            logVariance = ServingJson.Rows(code.LogVariance, code.LatentSize),
        }, ServingJson.Options);
    }

    private IResult Score(RequestBody body)
    {
        var data = Images(body);
        int seed = body.Integer("seed", 0, int.MinValue, int.MaxValue, "a 32-bit integer");
        double[] elbo;
        elbo = Exclusive(body, () => _vae.ElboPerExample(data, seed, 256, body.CancellationToken));
        double total = elbo.Sum();
        // The VAE has no exact likelihood: the score is the one-sample ELBO, a lower bound on log p(x), in nats.
        return Results.Json(new { model = Name, score = "one-sample ELBO (a lower bound on log p(x)) in nats", seed, total, perObservation = total / elbo.Length, elbo },
            ServingJson.Options);
    }

    private IResult Sample(RequestBody body)
    {
        int n = body.Integer("n", 16, 1, body.Limits.MaxSamples, "--max-samples");
        int seed = body.Integer("seed", 0, int.MinValue, int.MaxValue, "a 32-bit integer");
        body.CancellationToken.ThrowIfCancellationRequested();
        VaeDataset images;
        images = Exclusive(body, () => _vae.Sample(n, seed));
        if (Png.Wanted(body.Request))
        {
            var (pixels, width, height) = ImageRendering.Grid(images);
            return Png.Result(pixels, width, height, 1);
        }
        return Results.Json(new { model = Name, n, seed, height = images.Height, width = images.Width, x = ServingJson.Rows(images.Values, images.Dimension) },
            ServingJson.Options);
    }

    // One request at a time; a request waiting its turn still ends at its timeout.
    private T Exclusive<T>(RequestBody body, Func<T> run)
    {
        _gate.Wait(body.CancellationToken);
        try { return run(); }
        finally { _gate.Release(); }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _vae.Dispose();
        _gate.Dispose();
        base.Dispose();
    }
}
