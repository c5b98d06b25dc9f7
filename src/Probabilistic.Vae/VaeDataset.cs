using Probabilistic.Core.Data;

namespace Probabilistic.Vae;

/// <summary>Examples for a VAE: <see cref="Count"/> rows of <see cref="Height"/>·<see cref="Width"/> float32 values, row-major.</summary>
/// <param name="Values">Row-major values, Count × Height·Width.</param>
/// <param name="Count">Number of examples.</param>
/// <param name="Height">Image height (1 for plain vectors).</param>
/// <param name="Width">Image width (vector length for plain vectors).</param>
/// <param name="Labels">Optional class label per example (MNIST digits), for latent-space plots.</param>
public sealed record VaeDataset(float[] Values, int Count, int Height, int Width, byte[]? Labels = null)
{
    /// <summary>Values per example.</summary>
    public int Dimension => Height * Width;

    /// <summary>Throws when the sizes disagree or a value is not finite, naming the example and position.</summary>
    public VaeDataset Validated(string name)
    {
        if (Count < 1) throw new ArgumentException($"{name}: the data set is empty.");
        if ((long)Count * Dimension != Values.Length)
            throw new ArgumentException($"{name}: {Values.Length} values do not make {Count} examples of {Height}×{Width}.");
        if (Labels is not null && Labels.Length != Count)
            throw new ArgumentException($"{name}: {Labels.Length} labels for {Count} examples.");
        for (int i = 0; i < Values.Length; i++)
            if (!float.IsFinite(Values[i]))
                throw new ArgumentException($"{name}: example {i / Dimension}, value {i % Dimension} is {Values[i]}; the VAE needs finite data.");
        return this;
    }

    /// <summary>The first <paramref name="count"/> examples.</summary>
    public VaeDataset Take(int count)
    {
        count = Math.Min(count, Count);
        return new VaeDataset(Values[..(count * Dimension)], count, Height, Width, Labels?[..count]);
    }
}

/// <summary>Which half of MNIST.</summary>
public enum MnistSplit
{
    /// <summary>train-images-idx3-ubyte, train-labels-idx1-ubyte (60,000).</summary>
    Train,
    /// <summary>t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (10,000).</summary>
    Test,
}

/// <summary>MNIST from its four IDX files (raw or .gz) in one folder, pixels scaled to [0, 1].</summary>
public static class MnistData
{
    /// <summary>Reads one split. <paramref name="binarizeSeed"/>: when given, each pixel becomes 1 with probability
    /// equal to its intensity (static binarisation, fixed by the seed); otherwise intensities byte/255 are kept.</summary>
    public static VaeDataset Load(string directory, MnistSplit split, int? maxItems = null, int? binarizeSeed = null)
    {
        var prefix = split == MnistSplit.Train ? "train" : "t10k";
        var images = IdxReader.Read(Find(directory, $"{prefix}-images-idx3-ubyte"), maxItems);
        if (images.Shape.Length != 3)
            throw new DataFormatException(Find(directory, $"{prefix}-images-idx3-ubyte"), null, $"expected 3 dimensions (count, rows, columns), found {images.Shape.Length}");
        byte[]? labels = null;
        var labelPath = TryFind(directory, $"{prefix}-labels-idx1-ubyte");
        if (labelPath is not null)
        {
            var l = IdxReader.Read(labelPath, maxItems);
            if (l.Count != images.Count)
                throw new DataFormatException(labelPath, null, $"holds {l.Count} labels for {images.Count} images");
            labels = l.Data;
        }
        var values = new float[images.Data.Length];
        if (binarizeSeed is int seed)
        {
            var rng = Core.Numerics.Rng.Create(seed);
            for (int i = 0; i < values.Length; i++) values[i] = rng.NextDouble() * 255.0 < images.Data[i] ? 1f : 0f;
        }
        else
        {
            for (int i = 0; i < values.Length; i++) values[i] = images.Data[i] / 255f;
        }
        return new VaeDataset(values, images.Count, images.Shape[1], images.Shape[2], labels);
    }

    private static string Find(string directory, string name) =>
        TryFind(directory, name) ?? throw new FileNotFoundException(
            $"{directory} holds no {name} or {name}.gz (an MNIST folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally gzipped)",
            Path.Combine(directory, name));

    private static string? TryFind(string directory, string name)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"No such data folder: {directory}");
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
