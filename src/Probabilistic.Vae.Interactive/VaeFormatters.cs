using Probabilistic.Interactive;

namespace Probabilistic.Vae.Interactive;

/// <summary>
/// How the VAE's types look in a notebook: a <see cref="VaeDataset"/> as a grid of its first 64 images, a
/// <see cref="VariationalAutoencoder"/> as a grid of 32 samples from its prior (seed 0).
/// </summary>
/// <remarks>
/// In a notebook this runs by itself when the package is loaded with <c>#r "nuget: Probabilistic.Vae.Interactive"</c>
/// (its <c>interactive-extensions/dotnet/extension.dib</c> calls it). Elsewhere call it once before
/// <see cref="DisplayRenderers.Render"/>. Calling it again is harmless.
/// </remarks>
public static class VaeFormatters
{
    /// <summary>Adds the VAE renderers to <see cref="DisplayRenderers"/> and registers every renderer with .NET Interactive.</summary>
    /// <example>
    /// <code>
    /// VaeFormatters.Register();
    /// var data = MnistData.Load("datasets/mnist-sample", MnistSplit.Test);
    /// DisplayData grid = DisplayRenderers.Render(data);   // data.Png holds the first 64 digits, 8 to a row
    /// </code>
    /// </example>
    public static void Register()
    {
        DisplayRenderers.Add<VaeDataset>(d => Images(d, $"{d.Count} images, {d.Height}x{d.Width}"));
        DisplayRenderers.Add<VariationalAutoencoder>(v => Images(v.Sample(32, seed: 0), $"VAE {v.Architecture}: 32 samples (seed 0)"));
        ProbabilisticFormatters.Register();
    }

    private static DisplayData Images(VaeDataset data, string text)
    {
        int n = Math.Min(data.Count, 64);
        var images = Enumerable.Range(0, n).Select(i => data.Values.AsSpan(i * data.Dimension, data.Dimension).ToArray()).ToArray();
        return DisplayRenderers.FromPlot(Plots.ImageGrid(images, data.Width, data.Height, columns: 8, title: text), text);
    }
}
